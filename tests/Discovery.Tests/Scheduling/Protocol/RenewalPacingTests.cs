using Discovery.Scheduling.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Scheduling.Protocol;

/// <summary>A partition's renewal pacing on a fake clock: late means more than the period plus half the lease's slack.</summary>
public sealed class RenewalPacingTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RenewalPacing NewPacing() => new(_time, Period, Timeout);

    [Fact]
    public void Late_means_more_than_the_period_plus_half_the_remaining_lease()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), NewPacing().LateAfter);
    }

    [Fact]
    public void A_renewal_every_period_is_on_time()
    {
        var pacing = NewPacing();
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Period);
            Assert.Equal(new RenewalTiming(false, false, Period), pacing.Renewing());
        }
        Assert.False(pacing.LastRenewalLate);
    }

    [Fact]
    public void A_renewal_exactly_at_the_boundary_is_on_time_and_one_tick_later_is_late()
    {
        var pacing = NewPacing();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pacing.Renewing().Late);
        _time.Advance(TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(1));
        Assert.Equal(new RenewalTiming(true, true, TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(1)), pacing.Renewing());
        Assert.True(pacing.LastRenewalLate);
    }

    [Fact]
    public void Only_the_first_late_renewal_in_a_row_is_newly_late()
    {
        var pacing = NewPacing();
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(pacing.Renewing().NewlyLate);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(new RenewalTiming(true, false, TimeSpan.FromSeconds(2)), pacing.Renewing());
        _time.Advance(Period);
        Assert.False(pacing.Renewing().Late); // caught up
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(pacing.Renewing().NewlyLate);
    }

    [Fact]
    public async Task Starved_growth_resumes_on_a_renewal_on_time()
    {
        var pacing = NewPacing();
        _time.Advance(TimeSpan.FromSeconds(2));
        pacing.Renewed(pacing.Renewing()); // late
        var waiting = pacing.WaitForTimelyRenewalAsync();

        _time.Advance(Period);
        var timing = pacing.Renewing();
        Assert.False(waiting.IsCompleted); // the renewal's calls are not done yet
        pacing.Renewed(timing);

        Assert.True(await waiting);
        Assert.False(pacing.StoppedGrowing);
    }

    [Fact]
    public async Task Starved_growth_stops_for_good_when_no_renewal_on_time_comes_within_two_periods()
    {
        var pacing = NewPacing();
        _time.Advance(TimeSpan.FromSeconds(2));
        pacing.Renewed(pacing.Renewing());
        var waiting = pacing.WaitForTimelyRenewalAsync();

        _time.Advance(Period * 2 - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(await waiting);
        Assert.True(pacing.StoppedGrowing);

        _time.Advance(Period);
        Assert.True(pacing.Renewing().Late); // 1.5 s after the last one
        _time.Advance(Period);
        pacing.Renewed(pacing.Renewing()); // on time again: growth stays stopped, and the give-up says why
        Assert.False(pacing.LastRenewalLate);
        Assert.True(pacing.StoppedGrowing);
    }

    [Fact]
    public async Task A_late_renewal_does_not_wake_starved_growth()
    {
        var pacing = NewPacing();
        _time.Advance(TimeSpan.FromSeconds(2));
        pacing.Renewed(pacing.Renewing());
        var waiting = pacing.WaitForTimelyRenewalAsync();
        pacing.Renewed(new RenewalTiming(true, false, TimeSpan.FromSeconds(2))); // the timer fired late again
        Assert.False(waiting.IsCompleted);
        _time.Advance(Period * 2);
        Assert.False(await waiting);
    }
}
