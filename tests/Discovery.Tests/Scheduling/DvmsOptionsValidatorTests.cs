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
}
