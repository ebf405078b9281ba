using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Monitoring;

/// <summary>
/// The silo's monitoring pass reads every simulated node itself each period and wakes a node grain only
/// when its reading gives it something to see: quiet nodes cost no grain call at all.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class MonitoringPassTests
{
    [Fact]
    public async Task Quiet_nodes_are_not_woken_and_a_vm_that_changes_state_wakes_its_node_once()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(2, 50), Vms(2, 50), Vms(2, 50)]);
        var pass = c.Cluster.Silos[0].ServiceProvider.GetRequiredService<MonitoringPass>();
        Assert.Equal(3, pass.Count);

        // The first pass wakes every node once (its first observation: it joins the node directory).
        await c.WaitUntilAsync(() => pass.Passes >= 2, "two passes");
        Assert.Equal(3, pass.Wakes);

        var before = pass.Passes;
        await c.WaitUntilAsync(() => pass.Passes >= before + 3, "three more passes");
        Assert.Equal(3, pass.Wakes); // nothing changed, nothing woken

        c.Datacenter.Crash("v1-0");
        before = pass.Passes;
        await c.WaitUntilAsync(() => pass.Passes >= before + 3, "three passes after the crash");
        Assert.Equal(4, pass.Wakes); // n1 once: its reading's version moved
        var n1 = await c.Grains.GetGrain<INodeGrain>("n1").GetStatusAsync();
        Assert.Equal(Discovery.Model.VmState.Crashed, n1.LastSnapshot!.Vms.Single(v => v.Id == "v1-0").State);
    }
}
