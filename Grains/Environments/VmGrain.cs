using Discovery.Grains;
using Discovery.Model;

namespace Discovery.Environments;

/// <summary>
/// A VM's grain: its VE, the state its VE wants and where it runs. It turns a node's observation
/// into a crash report for the VE only when the VE wants the VM running there: a VM stopped on
/// purpose is never "restarted".
/// </summary>
public sealed class VmGrain : Grain, IVmGrain
{
    private string? _ve;
    private string? _host;
    private VmState _desired = VmState.Running;

    public Task AssignAsync(string ve, string? host, VmState desired)
    {
        (_ve, _host, _desired) = (ve, host, desired);
        return Task.CompletedTask;
    }

    public Task MovedAsync(string host)
    {
        _host = host;
        return _ve is null ? Task.CompletedTask : GrainFactory.GetGrain<IVeGrain>(_ve).VmMovedAsync(this.GetPrimaryKeyString(), host);
    }

    public Task ObservedAsync(VmState state, string node)
    {
        if (_ve is null || _desired != VmState.Running || node != _host || state is not (VmState.Crashed or VmState.Stopped))
            return Task.CompletedTask;
        return GrainFactory.GetGrain<IVeGrain>(_ve).VmFailedAsync(this.GetPrimaryKeyString(), state, node);
    }

    public Task<string?> GetHostAsync() => Task.FromResult(_host);

    public Task ForgetAsync()
    {
        (_ve, _host, _desired) = (null, null, VmState.Running);
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
