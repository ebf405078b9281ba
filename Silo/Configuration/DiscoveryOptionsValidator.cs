using Discovery.Scheduling;
using Microsoft.Extensions.Options;

namespace Discovery.Silo.Configuration;

/// <summary>
/// The rules between keys of <see cref="DiscoveryOptions"/> (and the scheduling rules of
/// <see cref="DvmsOptionsValidator"/>), each failure naming the full key. Values of the wrong type or
/// range are <see cref="ConfigurationValuesValidator{TOptions}"/>'s: they reach this validator as defaults.
/// </summary>
public sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    private const string Section = DiscoveryOptions.Section;

    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        var problems = new List<string>();
        if (!SchedulingSettings.TryParseSolver(options.Scheduling.Solver, out _))
            problems.Add($"{Section}:Scheduling:Solver: '{options.Scheduling.Solver}' is not one of {SchedulingSettings.KnownSolvers}");
        problems.AddRange(DvmsOptionsValidator.Problems(options.Scheduling.ToDvmsOptions()).Select(p => $"{Section}:Scheduling:{p}"));

        problems.AddRange(Validation.ImageCatalog.Problems(options.Images).Select(p => $"{Section}:{p}"));
        if (string.IsNullOrWhiteSpace(options.Site)) problems.Add($"{Section}:Site: must not be empty");
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                problems.Add($"{Section}:Urls: '{url}' is not an http(s) URL such as http://127.0.0.1:8080");
        var needsDb = options.Clustering == ClusteringKind.PostgreSql || options.Storage == StorageKind.PostgreSql;
        if (needsDb && string.IsNullOrWhiteSpace(options.ConnectionString))
            problems.Add($"{Section}:ConnectionString: required when Clustering or Storage is PostgreSql (e.g. Host=127.0.0.1;Database=discovery;Username=discovery;Password=...)");
        if (options.SiloPort == options.GatewayPort)
            problems.Add($"{Section}:GatewayPort: must differ from SiloPort ({options.SiloPort})");
        if (options.Hypervisor == HypervisorKind.Simulated && options.Simulated.Infrastructure is { } file)
        {
            if (!File.Exists(file)) problems.Add($"{Section}:Simulated:Infrastructure: no file '{file}'");
            else
            {
                var compiled = Discovery.Language.InfrastructureCompiler.Compile(File.ReadAllText(file), file);
                problems.AddRange(compiled.Errors.Select(e => $"{Section}:Simulated:Infrastructure: {e}"));
                if (compiled.Succeeded) CheckSlice(options.Simulated, compiled.Nodes.Select(n => n.Site).Distinct().Count(), problems);
            }
        }
        else if (options.Hypervisor == HypervisorKind.Simulated && options.Simulated.Sites > options.Simulated.Nodes)
            problems.Add($"{Section}:Simulated:Sites: {options.Simulated.Sites} sites for {options.Simulated.Nodes} nodes; at most one site per node");
        else if (options.Hypervisor == HypervisorKind.Simulated)
            CheckSlice(options.Simulated, options.Simulated.Sites, problems);
        if (options.Hypervisor == HypervisorKind.Libvirt)
        {
            if (options.LibvirtNodes.Count == 0)
                problems.Add($"{Section}:Libvirt:Nodes: name at least one node and its libvirt URI (e.g. \"pm-1\": \"qemu+ssh://pm-1/system\") when Hypervisor is Libvirt");
            foreach (var (node, uri) in options.LibvirtNodes)
                if (!LooksLikeUri(uri))
                    problems.Add($"{Section}:Libvirt:Nodes:{node}: '{uri}' is not a libvirt URI such as qemu:///system or test:///default");
            foreach (var (node, uri) in options.LibvirtMigrationUris)
                if (!options.LibvirtNodes.ContainsKey(node))
                    problems.Add($"{Section}:Libvirt:MigrationUris:{node}: no such node in Libvirt:Nodes ({string.Join(", ", options.LibvirtNodes.Keys)})");
                else if (!LooksLikeUri(uri))
                    problems.Add($"{Section}:Libvirt:MigrationUris:{node}: '{uri}' is not a libvirt URI such as qemu+tcp://pm-1/system");
            if (options.LibvirtDomainType is { } type && type is not ("kvm" or "qemu" or "test"))
                problems.Add($"{Section}:Libvirt:DomainType: '{type}' is not one of kvm, qemu, test");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool LooksLikeUri(string? uri) => !string.IsNullOrWhiteSpace(uri) && uri.Contains("://", StringComparison.Ordinal);

    /// <summary>A silo simulates whole sites: <c>0 &lt;= Slice &lt; Slices &lt;= sites</c>.</summary>
    private static void CheckSlice(Discovery.Hypervisors.Simulated.SimulatedInfrastructure simulated, int sites, List<string> problems)
    {
        if (simulated.Slices > sites)
            problems.Add($"{Section}:Simulated:Slices: {simulated.Slices} slices of {sites} site(s); each silo simulates whole sites, so at most {sites}");
        else if (simulated.Slice >= simulated.Slices)
            problems.Add($"{Section}:Simulated:Slice: {simulated.Slice} is not one of the {simulated.Slices} slices (0 to {simulated.Slices - 1})");
    }
}
