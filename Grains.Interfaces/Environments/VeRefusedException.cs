namespace Discovery.Environments;

/// <summary>Why a VE refused an operation.</summary>
public enum VeRefusal
{
    /// <summary>The operation makes no sense in the VE's state (resume a stopped VE).</summary>
    InvalidState,
    /// <summary>No such VE: it was never submitted.</summary>
    NotFound,
    /// <summary>A VE with that key already exists.</summary>
    AlreadyExists,
}

/// <summary>An operation that makes no sense in the VE's state (resume a stopped VE, submit over a live one): the message says why and what to do.</summary>
[GenerateSerializer, Alias("discovery.ve.refused")]
public sealed class VeRefusedException : InvalidOperationException
{
    /// <summary>A refusal saying why.</summary>
    public VeRefusedException(string message, VeRefusal kind = VeRefusal.InvalidState) : base(message) => Kind = kind;

    /// <summary>Why, for callers that react to it.</summary>
    [Id(0)]
    public VeRefusal Kind { get; private set; }
}
