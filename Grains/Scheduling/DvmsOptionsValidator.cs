using Microsoft.Extensions.Options;

namespace Discovery.Scheduling;

/// <summary>
/// Checks <see cref="DvmsOptions"/> (each failure names the property), after Orleans' pattern of
/// options plus a separate validator: the silo's configuration check and
/// <c>AddDiscoveryGrains</c> both use it, so a bad combination is refused the same way whether
/// it comes from configuration or from code.
/// </summary>
public sealed class DvmsOptionsValidator : IValidateOptions<DvmsOptions>
{
    public ValidateOptionsResult Validate(string? name, DvmsOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Problems with the options, each naming the property; empty when they are usable.</summary>
    public static IReadOnlyList<string> Problems(DvmsOptions options)
    {
        var problems = new List<string>();
        if (options.MonitoringPeriod <= TimeSpan.Zero) problems.Add($"MonitoringPeriod: must be positive, got {options.MonitoringPeriod}");
        if (options.LeaseRenewalPeriod <= TimeSpan.Zero) problems.Add($"LeaseRenewalPeriod: must be positive, got {options.LeaseRenewalPeriod}");
        if (options.LeaseTimeout <= options.LeaseRenewalPeriod) problems.Add($"LeaseTimeout: must exceed LeaseRenewalPeriod ({options.LeaseRenewalPeriod}), got {options.LeaseTimeout}");
        if (options.SolverTimeLimit <= TimeSpan.Zero) problems.Add($"SolverTimeLimit: must be positive, got {options.SolverTimeLimit}");
        if (options.UnderloadThreshold is { } u && !(u > 0 && u < 1)) problems.Add($"UnderloadThreshold: must be within (0, 1), got {u}");
        if (options.SolverWorkers < 1) problems.Add($"SolverWorkers: must be at least 1, got {options.SolverWorkers}");
        if (options.NodeDownGrace < TimeSpan.Zero) problems.Add($"NodeDownGrace: must not be negative, got {options.NodeDownGrace}");
        if (options.HeadroomTarget is { } h && !(h > 0 && h <= 1)) problems.Add($"HeadroomTarget: must be within (0, 1], got {h}");
        if (options.PressureThreshold is { } p && !(p > 0 && p <= 1)) problems.Add($"PressureThreshold: must be within (0, 1], got {p}");
        else if (options is { PressureThreshold: { } pressure, HeadroomTarget: { } target } && pressure <= target)
            problems.Add($"PressureThreshold: must be above HeadroomTarget ({target}), got {pressure}: a relieved node must land under it");
        if (options.HeadroomGrowth < 0) problems.Add($"HeadroomGrowth: must not be negative, got {options.HeadroomGrowth}");
        if (options.MaxDecidingPartitions < 1) problems.Add($"MaxDecidingPartitions: must be at least 1, got {options.MaxDecidingPartitions}");
        if (options.MaxPartitionSize < 1) problems.Add($"MaxPartitionSize: must be at least 1, got {options.MaxPartitionSize}");
        if (!(options.CrossSiteWeight is >= 1 and <= 1000)) problems.Add($"CrossSiteWeight: must be within [1, 1000], got {options.CrossSiteWeight}");
        if (options.FanOutWidth < 1) problems.Add($"FanOutWidth: must be at least 1, got {options.FanOutWidth}");
        if (options.SiloLossGrace < TimeSpan.Zero) problems.Add($"SiloLossGrace: must not be negative, got {options.SiloLossGrace}");
        problems.AddRange(Overlay.SiteDistances.Problems(options.SiteDistances));
        problems.AddRange(options.PendingRetry.Problems());
        problems.AddRange(options.Admission.Problems());
        return problems;
    }
}
