using Discovery.Environments;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Solving;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;

namespace Discovery.Tests.Contracts;

/// <summary>
/// The grain contracts that left Grains.Interfaces/Grains/ (namespace Discovery.Grains) keep the names they had on the
/// wire: Orleans names a type by its [Alias], and only without one by its namespace, so silos and clients built before
/// the move still understand these.
/// </summary>
public sealed class WireNameTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private static T RoundTrip<T>(T value)
    {
        var serializer = Services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    public static TheoryData<Type, string> Moved => new()
    {
        { typeof(INodeGrain), "discovery.INodeGrain" },
        { typeof(INodeMonitor), "discovery.INodeMonitor" },
        { typeof(IVmHost), "discovery.IVmHost" },
        { typeof(INodeFaults), "discovery.INodeFaults" },
        { typeof(IMigrationSource), "discovery.IMigrationSource" },
        { typeof(IMigrationDestination), "discovery.IMigrationDestination" },
        { typeof(IncomingVm), "discovery.incoming-vm" },
        { typeof(IReservable), "discovery.IReservable" },
        { typeof(IPartitionGrain), "discovery.IPartitionGrain" },
        { typeof(ICentralSchedulerGrain), "discovery.ICentralSchedulerGrain" },
        { typeof(ISchedulingControlGrain), "discovery.ISchedulingControlGrain" },
        { typeof(INodeDirectoryGrain), "discovery.INodeDirectoryGrain" },
        { typeof(OverlayView), "discovery.overlay-view" },
        { typeof(NodeAnnouncement), "discovery.node-announcement" },
        { typeof(ISolverGrain), "discovery.ISolverGrain" },
        { typeof(IVmGrain), "discovery.IVmGrain" },
        { typeof(IConstraintDirectoryGrain), "discovery.IConstraintDirectoryGrain" },
    };

    [Theory]
    [MemberData(nameof(Moved))]
    public void Moved_contract_keeps_its_wire_name(Type type, string wireName) =>
        Assert.Equal(wireName, Services.GetRequiredService<TypeConverter>().Format(type));

    [Fact]
    public void Moved_records_round_trip()
    {
        var incoming = new IncomingVm(new VmSpec("a", 2, 1024, "img", 150), VmState.Running, "n1");
        Assert.Equal(incoming, RoundTrip(incoming));

        var view = new OverlayView(7, [new NodeAnnouncement("n1", "site-a", Resources.OfCores(8, 16384), "10.0.0.1:11111@1")], ["n2"]);
        var copy = RoundTrip(view);
        Assert.Equal(7, copy.Version);
        Assert.Equal(view.Nodes.ToArray(), copy.Nodes.ToArray());
        Assert.Equal(["n2"], copy.Down.ToArray());
    }
}
