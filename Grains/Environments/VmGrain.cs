using Discovery.Grains;

namespace Discovery.Environments;

/// <summary>A VM's grain: its current host as the schedulers moved it (the VE layer builds on it).</summary>
public sealed class VmGrain : Grain, IVmGrain
{
    private string? _host;

    public Task MovedAsync(string host)
    {
        _host = host;
        return Task.CompletedTask;
    }

    public Task<string?> GetHostAsync() => Task.FromResult(_host);
}
