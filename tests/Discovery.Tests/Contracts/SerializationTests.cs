using Discovery.Constraints;
using Discovery.Model;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Discovery.Tests.Contracts;

/// <summary>Every contract type crosses the wire unchanged, constraints keeping their concrete type.</summary>
public sealed class SerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    [Fact]
    public void Ve_spec_with_every_constraint_round_trips()
    {
        var spec = new VeSpec("ve-1", [new("a", 2, 1024, "img", 150), new("b", 1, 512, "img")],
        [
            new Ban(["a"], ["n1"]), new Fence(["b"], ["n2", "n3"]), new Spread(["a", "b"]),
            new Latency(["a", "b"], [["n1", "n2"], ["n3"]]), new Gather(["a", "b"]), new Lonely(["a"]), new Offline(["n4"]),
        ]);
        var copy = RoundTrip(spec);
        Assert.Equal(spec.Id, copy.Id);
        Assert.Equal(spec.Vms.ToArray(), copy.Vms.ToArray());
        Assert.Equal(spec.Constraints.Select(c => c.GetType()), copy.Constraints.Select(c => c.GetType()));
        var latency = Assert.IsType<Latency>(copy.Constraints[3]);
        Assert.Equal(["n3"], latency.Groups[1].ToArray());
        Assert.Equal(["n4"], Assert.IsType<Offline>(copy.Constraints[6]).Nodes.ToArray());
    }

    [Fact]
    public void Snapshots_and_events_round_trip()
    {
        var at = DateTimeOffset.UnixEpoch;
        var node = new NodeSnapshot("n1", "site-a", Resources.OfCores(8, 16384),
            [new VmSnapshot("a", VmState.Running, 2, 1024, 180, "n1")], false, at);
        var copy = RoundTrip(node);
        Assert.Equal(node.Vms.ToArray(), copy.Vms.ToArray());
        Assert.Equal(node with { Vms = copy.Vms }, copy);
        Assert.Equal(new Resources(180, 1024), copy.Demand);

        var evt = new SchedulingEvent("n1", EventKind.Overload, at, new(900, 100), new(800, 16384));
        Assert.Equal(evt, RoundTrip(evt));
    }
}
