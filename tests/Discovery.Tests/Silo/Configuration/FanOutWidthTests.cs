using Discovery.Grains;
using Discovery.Scheduling;
using Discovery.Silo.Configuration;
using static Discovery.Tests.Silo.Configuration.ConfigurationReading;

namespace Discovery.Tests.Silo.Configuration;

/// <summary><c>Discovery:Scheduling:FanOutWidth</c>: read from configuration into <see cref="DvmsOptions.FanOutWidth"/>, at least 1.</summary>
public sealed class FanOutWidthTests
{
    [Fact]
    public void The_width_defaults_to_the_fan_outs_default_and_is_read_from_its_key()
    {
        Assert.Equal(256, FanOut.DefaultWidth);
        Assert.Equal(FanOut.DefaultWidth, new DvmsOptions().FanOutWidth);
        Assert.Equal(FanOut.DefaultWidth, Read().Settings.Scheduling.ToDvmsOptions().FanOutWidth);
        var (settings, problems) = Read(("Discovery:Scheduling:FanOutWidth", "64"));
        Assert.Empty(problems);
        Assert.Equal(64, settings.Scheduling.ToDvmsOptions().FanOutWidth);
    }

    [Fact]
    public void A_width_under_one_is_refused_by_name()
    {
        Assert.Equal(["FanOutWidth: must be at least 1, got 0"], new DvmsOptionsValidator().Validate(null, new DvmsOptions { FanOutWidth = 0 }).Failures);
        Assert.True(new DvmsOptionsValidator().Validate(null, new DvmsOptions { FanOutWidth = 1 }).Succeeded);
        var problem = Assert.Single(Read(("Discovery:Scheduling:FanOutWidth", "0")).Problems);
        Assert.StartsWith("Discovery:Scheduling:FanOutWidth", problem);
    }
}
