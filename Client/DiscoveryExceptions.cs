using System.Collections.Immutable;

namespace Discovery.Client;

/// <summary>Base of the exceptions the client library throws.</summary>
public class DiscoveryException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public DiscoveryException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One problem of an input: where (a file, or a field such as <c>vms[1].id</c>), the position in a file when known, and why.</summary>
public sealed record InputProblem(string Where, int? Line, int? Column, string Message)
{
    /// <summary><c>FILE:LINE:COL: message</c> or <c>field: message</c>.</summary>
    public override string ToString() => Line is { } l ? $"{Where}:{l}:{Column}: {Message}" : $"{Where}: {Message}";
}

/// <summary>The input (a VE text or spec) has problems: all of them are listed, none was stored or started.</summary>
public sealed class DiscoveryInvalidInputException(IReadOnlyList<InputProblem> problems, Exception? inner = null)
    : DiscoveryException($"{problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)), inner)
{
    /// <summary>Every problem found.</summary>
    public ImmutableArray<InputProblem> Problems { get; } = [.. problems];
}

/// <summary>No such VE or node.</summary>
public sealed class DiscoveryNotFoundException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>The operation conflicts with the VE's state (it already exists, or is stopped when resumed): the message says what to do.</summary>
public sealed class DiscoveryConflictException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>No silo answered: the message names where the client looked and how long it waited.</summary>
public sealed class DiscoveryUnavailableException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>The operation is not possible on this cluster (fault injection on a real hypervisor).</summary>
public sealed class DiscoveryNotSupportedException(string message, Exception? inner = null) : DiscoveryException(message, inner);

/// <summary>The first item of <see cref="DiscoveryClient.WatchAllAsync(bool, CancellationToken)"/> when asked for: the subscription is registered (at <paramref name="At"/>, UTC).</summary>
public sealed record WatchSubscribed(DateTimeOffset At);
