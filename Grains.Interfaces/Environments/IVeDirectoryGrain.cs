using Discovery.Security;
using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Environments;

/// <summary>Every VE of the cluster (key 0): the list users see, and the pending VEs to wake when room appears.</summary>
[Alias("discovery.IVeDirectoryGrain")]
public interface IVeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a VE's current state (called by the VE grain on every change of state).</summary>
    [Alias("Update"), OneWay]
    Task UpdateAsync(string ve, VeState state);

    /// <summary>Every VE with its state, ordered by key; <paramref name="tenant"/> null for all tenants.</summary>
    [ClientAccess(Access.ListVes)]
    [Alias("List"), AlwaysInterleave]
    Task<ImmutableArray<VeSummary>> ListAsync(string? tenant = null);

    /// <summary>A node was marked down by a node grain that does not know what it ran: every VE checks for VMs there.</summary>
    [Alias("NodeDown"), OneWay]
    Task NodeDownAsync(string node);

    /// <summary>Room may have appeared: every pending VE tries to place its VMs again.</summary>
    [Alias("RoomAppeared"), OneWay]
    Task RoomAppearedAsync(string why);
}
