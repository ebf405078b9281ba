namespace Discovery.Language;

/// <summary>
/// The limits on one VE submission, in the VE language or as a spec: texts and specs come from tenants, and
/// without them one crafted text could exhaust a silo's stack (nested sets), memory or time (ranges, long chains).
/// Every limit past which a text is refused is here, each reported as an ordinary error that names it.
/// </summary>
public sealed record LanguageLimits
{
    /// <summary>The defaults, applied by the compiler, the spec validator and the JSON API.</summary>
    public static LanguageLimits Default { get; } = new();

    /// <summary>A VE text's size in UTF-8 bytes, checked before it is read further.</summary>
    public int MaxTextBytes { get; init; } = 64 * 1024;

    /// <summary>How deep sets, parentheses and sets of sets (through variables) may nest.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>
    /// Names a text may produce in total: every range's names, every set built, every set flattened where names are
    /// expected. It bounds the work a text can ask for, whatever the number of ranges or statements.
    /// </summary>
    public int MaxNames { get; init; } = 100_000;

    /// <summary>VMs in one VE.</summary>
    public int MaxVms { get; init; } = 1_000;

    /// <summary>
    /// vCPUs of one VM when no node is known to compare with: no machine has more, and 100 per vCPU (its CPU demand in
    /// hundredths of a core) stays far from <see cref="int.MaxValue"/> even summed over <see cref="MaxVms"/> VMs.
    /// </summary>
    public int MaxVCpus { get; init; } = 4_096;

    /// <summary>Memory of one VM (MiB, 16 TiB) when no node is known to compare with.</summary>
    public int MaxMemoryMiB { get; init; } = 16 * 1024 * 1024;

    /// <summary>How deep a JSON submission may nest (a VeSubmission needs 5: body, constraints, constraint, groups, group).</summary>
    public int MaxJsonDepth { get; init; } = 8;
}
