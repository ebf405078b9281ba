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

        problems.AddRange(options.Images.Problems().Select(p => $"{Section}:{p}"));
        if (string.IsNullOrWhiteSpace(options.Site)) problems.Add($"{Section}:Site: must not be empty");
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                problems.Add($"{Section}:Urls: '{url}' is not an http(s) URL such as http://127.0.0.1:8080");
        var needsDb = options.Clustering == ClusteringKind.PostgreSql || options.Storage == StorageKind.PostgreSql;
        if (needsDb && string.IsNullOrWhiteSpace(options.ConnectionString))
            problems.Add($"{Section}:ConnectionString: required when Clustering or Storage is PostgreSql (e.g. Host=127.0.0.1;Database=discovery;Username=discovery;Password=...)");
        if (options.SiloPort == options.GatewayPort)
            problems.Add($"{Section}:GatewayPort: must differ from SiloPort ({options.SiloPort})");
        problems.AddRange(SiloEndpoints.Problems(options));
        CheckTls(options.Tls, problems);
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
            // Nodes of other silos are listed too: the URI each must publish for a migration to go to it.
            foreach (var (node, uri) in options.LibvirtMigrationUris)
                if (!LooksLikeUri(uri))
                    problems.Add($"{Section}:Libvirt:MigrationUris:{node}: '{uri}' is not a libvirt URI such as qemu+tcp://pm-1/system");
            if (options.LibvirtDomainType is { } type && type is not ("kvm" or "qemu" or "test"))
                problems.Add($"{Section}:Libvirt:DomainType: '{type}' is not one of kvm, qemu, test");
        }
        CheckSecurity(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckSecurity(DiscoveryOptions options, List<string> problems)
    {
        foreach (var (key, file) in new[] { ("ConnectionStringFile", options.ConnectionStringFile), ("SchemaConnectionStringFile", options.SchemaConnectionStringFile) })
            if (file is not null && !File.Exists(file))
                problems.Add($"{Section}:{key}: no file '{file}'");
        var security = options.Security;
        if (!security.Tokens)
            foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (Uri.TryCreate(url, UriKind.Absolute, out var u) && !u.IsLoopback)
                    problems.Add($"{Section}:Security:Tokens: false serves anyone who reaches {url}; without tokens, Urls must be loopback only (http://127.0.0.1:PORT)");
        if (security.KeyFile is { } keyFile && !File.Exists(keyFile))
            problems.Add($"{Section}:Security:KeyFile: no file '{keyFile}' (make one with `discovery token key --out {keyFile}` and give every silo the same)");
        if (security.Authority is { Length: > 0 } authority && (!Uri.TryCreate(authority, UriKind.Absolute, out var a) || a.Scheme is not ("https" or "http")))
            problems.Add($"{Section}:Security:Authority: '{authority}' is not an http(s) URL of an OpenID Connect authority");
        foreach (var tenant in security.Quotas.Tenants.Keys.Where(t => !Discovery.Environments.VeId.IsValidName(t)))
            problems.Add($"{Section}:Security:Quotas:Tenants:{tenant}: not a valid tenant name");
    }

    /// <summary>All of certificate and CA or nothing; the files readable, the key present, the certificate issued by the CA.</summary>
    private static void CheckTls(TlsSettings tls, List<string> problems)
    {
        if (!tls.Configured) return;
        if (tls.CertificateFile is null) problems.Add($"{Section}:Tls:CertificateFile: required with the other {Section}:Tls keys (this silo's certificate, e.g. from discovery certs issue)");
        if (tls.CaFile is null) problems.Add($"{Section}:Tls:CaFile: required with the other {Section}:Tls keys (the cluster's CA certificate, e.g. ca.pem from discovery certs ca)");
        if (tls.CertificateFile is null || tls.CaFile is null) return;
        try
        {
            Discovery.Client.ClusterCertificates.LoadAuthority(tls.CaFile);
        }
        catch (InvalidDataException e)
        {
            problems.Add($"{Section}:Tls:CaFile: {e.Message}");
            return;
        }
        try
        {
            Discovery.Client.ClusterCertificates.Load(tls.CertificateFile, tls.KeyFile, tls.CaFile);
        }
        catch (InvalidDataException e)
        {
            problems.Add($"{Section}:Tls:CertificateFile: {e.Message}");
        }
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
