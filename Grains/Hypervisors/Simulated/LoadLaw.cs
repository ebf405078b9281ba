namespace Discovery.Hypervisors.Simulated;

/// <summary>
/// The seed's load model: each VM's CPU demand changes at exponential intervals, at rate
/// lambda = VMs / <see cref="MeanChangeIntervalSeconds"/> over the whole infrastructure; a new
/// demand per vCPU is drawn from Normal(<see cref="MeanPerVCpu"/>, <see cref="StdDevPerVCpu"/>)
/// clipped to 0..100.
/// </summary>
public sealed record LoadLaw(double MeanPerVCpu = 70, double StdDevPerVCpu = 30, double MeanChangeIntervalSeconds = 300)
{
    /// <summary>The seed's parameters.</summary>
    public static LoadLaw Seed { get; } = new();

    /// <summary>A new CPU demand in hundredths of a core for a VM with <paramref name="vcpus"/> vCPUs.</summary>
    public int DrawDemand(Random random, int vcpus)
    {
        var perVCpu = Math.Clamp(MeanPerVCpu + StdDevPerVCpu * StandardNormal(random), 0, 100);
        return (int)Math.Round(perVCpu * vcpus);
    }

    /// <summary>Time to the next load change anywhere in an infrastructure of <paramref name="vms"/> VMs.</summary>
    public TimeSpan DrawInterval(Random random, int vms)
    {
        if (vms <= 0) return TimeSpan.FromSeconds(MeanChangeIntervalSeconds);
        var rate = vms / MeanChangeIntervalSeconds;
        return TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / rate);
    }

    // Box-Muller: deterministic for a given Random, no extra dependency.
    private static double StandardNormal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
