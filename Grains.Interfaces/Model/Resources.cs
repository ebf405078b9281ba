namespace Discovery.Model;

/// <summary>
/// An amount of the two resources Discovery places: CPU in hundredths of a core (a fully
/// busy vCPU is 100) and memory in MiB. Used for node capacities and VM demands alike.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.resources")]
public readonly record struct Resources(
    [property: Id(0)] int Cpu,
    [property: Id(1)] int MemoryMiB)
{
    /// <summary>No CPU, no memory.</summary>
    public static Resources Zero => default;

    /// <summary>Capacity of a machine with <paramref name="cores"/> cores and <paramref name="memoryMiB"/> MiB.</summary>
    public static Resources OfCores(int cores, int memoryMiB) => new(checked(cores * 100), memoryMiB);

    /// <summary>Component-wise sum.</summary>
    public static Resources operator +(Resources a, Resources b) => new(a.Cpu + b.Cpu, a.MemoryMiB + b.MemoryMiB);

    /// <summary>Component-wise difference.</summary>
    public static Resources operator -(Resources a, Resources b) => new(a.Cpu - b.Cpu, a.MemoryMiB - b.MemoryMiB);

    /// <summary>True when both components of this amount are within <paramref name="capacity"/>.</summary>
    public bool FitsIn(Resources capacity) => Cpu <= capacity.Cpu && MemoryMiB <= capacity.MemoryMiB;

    /// <summary>This amount's CPU over <paramref name="capacity"/>'s (0 for no capacity; above 1 when overloaded).</summary>
    public double CpuShareOf(Resources capacity) => capacity.Cpu == 0 ? 0 : (double)Cpu / capacity.Cpu;

    /// <summary>This amount's memory over <paramref name="capacity"/>'s (0 for no capacity).</summary>
    public double MemoryShareOf(Resources capacity) => capacity.MemoryMiB == 0 ? 0 : (double)MemoryMiB / capacity.MemoryMiB;

    /// <inheritdoc />
    public override string ToString() => $"{Cpu / 100.0:0.##} cores, {MemoryMiB} MiB";
}
