using System.Collections.Immutable;
using Discovery.Constraints;

namespace Discovery.Model;

/// <summary>
/// A virtual environment: a user's group of VMs with placement constraints, the unit a user
/// submits, starts, stops, suspends and resumes. Check it with
/// <c>VeSpecValidator</c> (Discovery.Placement) before use.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.ve-spec")]
public sealed record VeSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableArray<VmSpec> Vms,
    [property: Id(2)] ImmutableArray<PlacementConstraint> Constraints);
