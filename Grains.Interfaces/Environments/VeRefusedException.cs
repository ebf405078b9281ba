namespace Discovery.Environments;

/// <summary>An operation that makes no sense in the VE's state (resume a stopped VE, submit over a live one): the message says why and what to do.</summary>
[GenerateSerializer, Alias("discovery.ve.refused")]
public sealed class VeRefusedException : InvalidOperationException
{
    /// <summary>A refusal saying why.</summary>
    public VeRefusedException(string message) : base(message) { }
}
