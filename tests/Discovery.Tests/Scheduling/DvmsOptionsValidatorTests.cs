using Discovery.Scheduling;

namespace Discovery.Tests.Scheduling;

public sealed class DvmsOptionsValidatorTests
{
    [Fact]
    public void Dvms_options_are_validated_by_name()
    {
        var options = new DvmsOptions { LeaseTimeout = TimeSpan.FromMilliseconds(100), UnderloadThreshold = 2, MaxPartitionSize = 0 };
        var problems = new DvmsOptionsValidator().Validate(null, options).Failures!;
        Assert.Contains(problems, p => p.StartsWith("LeaseTimeout: must exceed LeaseRenewalPeriod"));
        Assert.Contains(problems, p => p.StartsWith("UnderloadThreshold: must be within (0, 1)"));
        Assert.Contains(problems, p => p.StartsWith("MaxPartitionSize: must be at least 1"));
        Assert.True(new DvmsOptionsValidator().Validate(null, new DvmsOptions()).Succeeded);
    }

    [Fact]
    public void The_pressure_threshold_must_lie_above_the_headroom_target_and_within_a_load()
    {
        Assert.Equal(["PressureThreshold: must be above HeadroomTarget (0.9), got 0.9: a relieved node must land under it"],
            new DvmsOptionsValidator().Validate(null, new DvmsOptions { PressureThreshold = 0.9 }).Failures);
        Assert.Equal(["PressureThreshold: must be within (0, 1], got 1.5"],
            new DvmsOptionsValidator().Validate(null, new DvmsOptions { PressureThreshold = 1.5 }).Failures);
        Assert.True(new DvmsOptionsValidator().Validate(null, new DvmsOptions { PressureThreshold = null }).Succeeded);
        Assert.True(new DvmsOptionsValidator().Validate(null, new DvmsOptions { HeadroomTarget = null, PressureThreshold = 0.5 }).Succeeded); // inert without a target
        Assert.Null(new DvmsOptions { HeadroomTarget = null }.EffectivePressure);
        Assert.Equal(0.93, new DvmsOptions().EffectivePressure);
    }
}
