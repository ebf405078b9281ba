using Discovery.Model;

namespace Discovery.Environments;

/// <summary>
/// A VM's grain: it relays what nodes and schedulers see of a VM to the VM's VE, found from the VM's
/// id (<c>tenant.ve.vm</c>) so that a reactivated VM grain loses nothing. The VE decides what a report
/// means (a VM it stopped on purpose is never "restarted"); VMs Discovery did not create have no VE.
/// </summary>
public sealed class VmGrain : Grain, IVmGrain
{
    private string? _host;

    private string Id => this.GetPrimaryKeyString();

    public Task PlacedAsync(string? host)
    {
        _host = host;
        return Task.CompletedTask;
    }

    public Task MovedAsync(string from, string host)
    {
        _host = host;
        return VeId.VeOfVm(Id) is { } ve ? GrainFactory.GetGrain<IVeGrain>(ve).VmMovedAsync(Id, from, host) : Task.CompletedTask;
    }

    public Task ObservedAsync(VmState state, string node) =>
        state is VmState.Crashed or VmState.Stopped && VeId.VeOfVm(Id) is { } ve
            ? GrainFactory.GetGrain<IVeGrain>(ve).VmFailedAsync(Id, state, node)
            : Task.CompletedTask;

    public Task<string?> GetHostAsync() => Task.FromResult(_host);

    public Task ForgetAsync()
    {
        _host = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
