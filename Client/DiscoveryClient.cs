using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Discovery.Client;

/// <summary>
/// The .NET client library of Discovery: connects to a cluster and reads or acts on its nodes.
/// Dispose it to close the connection.
/// </summary>
/// <example>
/// <code>
/// await using var discovery = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions());
/// var node = await discovery.GetNodeAsync("node-0001");
/// await discovery.DrainAsync("node-0001");
/// </code>
/// </example>
public sealed class DiscoveryClient : IAsyncDisposable
{
    private readonly IHost _host;

    private DiscoveryClient(IHost host)
    {
        _host = host;
        Cluster = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The underlying Orleans client, for grains this library does not wrap yet.</summary>
    public IClusterClient Cluster { get; }

    /// <summary>Connects; throws with the gateway or database it tried when no silo answers.</summary>
    public static async Task<DiscoveryClient> ConnectAsync(DiscoveryClientOptions options, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (options.PostgreSqlConnectionString is null)
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }
            else
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.PostgreSqlConnectionString;
                });
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
            }
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            var where = options.PostgreSqlConnectionString is null ? $"a silo on localhost gateway port {options.GatewayPort}" : "a silo through the PostgreSQL membership table";
            throw new InvalidOperationException($"cannot connect to {where} (cluster '{options.ClusterId}'): {e.Message}", e);
        }
        return new DiscoveryClient(host);
    }

    /// <summary>Capacity, VMs and demand of a node, read from its hypervisor now.</summary>
    public Task<NodeSnapshot> GetNodeAsync(string node) => Cluster.GetGrain<INodeGrain>(node).GetSnapshotAsync();

    /// <summary>A node's reservation, pending event and last snapshot.</summary>
    public Task<NodeStatus> GetNodeStatusAsync(string node) => Cluster.GetGrain<INodeGrain>(node).GetStatusAsync();

    /// <summary>Puts a node in maintenance: Discovery migrates its VMs away (a partition per drain).</summary>
    public Task DrainAsync(string node) => Cluster.GetGrain<INodeGrain>(node).SetMaintenanceAsync(true);

    /// <summary>Takes a node out of maintenance.</summary>
    public Task CancelDrainAsync(string node) => Cluster.GetGrain<INodeGrain>(node).SetMaintenanceAsync(false);

    /// <summary>Fault injection (simulated hypervisor only; <see cref="NotSupportedException"/> on libvirt): VM <paramref name="vmId"/> on <paramref name="node"/> crashes.</summary>
    public Task CrashVmAsync(string node, string vmId) => Cluster.GetGrain<INodeFaults>(node).CrashVmAsync(vmId);

    /// <summary>Fault injection (simulated hypervisor only): <paramref name="node"/>'s hypervisor becomes unreachable; past the grace period the node is marked down.</summary>
    public Task CrashNodeAsync(string node) => Cluster.GetGrain<INodeFaults>(node).CrashNodeAsync();

    /// <summary>Fault injection (simulated hypervisor only): a node crashed by <see cref="CrashNodeAsync"/> is reachable again, with the VMs it had.</summary>
    public Task RecoverNodeAsync(string node) => Cluster.GetGrain<INodeFaults>(node).RecoverNodeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(); }
        finally { _host.Dispose(); }
    }
}
