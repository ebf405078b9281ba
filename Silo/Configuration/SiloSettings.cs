using System.Globalization;
using Discovery.Hypervisors.Simulated;
using Discovery.Placement;
using Discovery.Scheduling;

namespace Discovery.Silo.Configuration;

/// <summary>Where the cluster's membership lives.</summary>
public enum ClusteringKind { Localhost, PostgreSql }

/// <summary>Where persistent grain state lives.</summary>
public enum StorageKind { Memory, PostgreSql }

/// <summary>Which hypervisors this silo drives.</summary>
public enum HypervisorKind { Simulated, Libvirt }

/// <summary>
/// Everything a silo reads from configuration (section <c>Discovery</c>: appsettings.json,
/// environment variables such as <c>Discovery__Simulated__Nodes=64</c>, or the command line
/// <c>--Discovery:Simulated:Nodes 64</c>). <see cref="Read"/> returns every problem with the key
/// that holds it.
/// </summary>
public sealed record SiloSettings
{
    public const string Section = "Discovery";

    public string Site { get; init; } = "local";
    public string Urls { get; init; } = "http://127.0.0.1:8080";
    public string ClusterId { get; init; } = "discovery";
    public string ServiceId { get; init; } = "discovery";
    public ClusteringKind Clustering { get; init; } = ClusteringKind.Localhost;
    public StorageKind Storage { get; init; } = StorageKind.Memory;
    public string? ConnectionString { get; init; }
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public HypervisorKind Hypervisor { get; init; } = HypervisorKind.Simulated;
    public SimulatedSettings Simulated { get; init; } = new();
    /// <summary>Libvirt URI per node name, for <see cref="HypervisorKind.Libvirt"/>.</summary>
    public IReadOnlyDictionary<string, string> LibvirtNodes { get; init; } = new Dictionary<string, string>();
    /// <summary>Distributed scheduling (DVMS) timings and switches.</summary>
    public DvmsOptions Scheduling { get; init; } = new();

    /// <summary>The nodes this silo drives.</summary>
    public IEnumerable<string> NodeNames() => Hypervisor == HypervisorKind.Simulated
        ? Enumerable.Range(0, Simulated.Nodes).Select(Simulated.Shape.NodeName)
        : LibvirtNodes.Keys;

    /// <summary>Reads and validates the settings; <paramref name="problems"/> names each bad key.</summary>
    public static SiloSettings Read(IConfiguration configuration, out List<string> problems)
    {
        var section = configuration.GetSection(Section);
        var reader = new Reader(section);
        var defaults = new SiloSettings();
        var sim = new SimulatedSettings();
        var dvms = new DvmsOptions();
        var solver = reader.Text("Scheduling:Solver", dvms.Solver == SolverKind.Greedy ? "greedy" : "cpsat");
        var settings = new SiloSettings
        {
            Site = reader.Text("Site", defaults.Site),
            Urls = reader.Text("Urls", defaults.Urls),
            ClusterId = reader.Text("ClusterId", defaults.ClusterId),
            ServiceId = reader.Text("ServiceId", defaults.ServiceId),
            Clustering = reader.Choice("Clustering", defaults.Clustering),
            Storage = reader.Choice("Storage", defaults.Storage),
            ConnectionString = section["ConnectionString"],
            SiloPort = reader.Integer("SiloPort", defaults.SiloPort, 1, 65535),
            GatewayPort = reader.Integer("GatewayPort", defaults.GatewayPort, 1, 65535),
            Hypervisor = reader.Choice("Hypervisor", defaults.Hypervisor),
            Simulated = new SimulatedSettings
            {
                Nodes = reader.Integer("Simulated:Nodes", sim.Nodes, 1, 1_000_000),
                VmsPerNode = reader.Integer("Simulated:VmsPerNode", sim.VmsPerNode, 0, 10_000),
                Sites = reader.Integer("Simulated:Sites", sim.Sites, 1, 100_000),
                NodeCores = reader.Integer("Simulated:NodeCores", sim.NodeCores, 1, 4096),
                NodeMemoryMiB = reader.Integer("Simulated:NodeMemoryMiB", sim.NodeMemoryMiB, 1, int.MaxValue),
                VmVCpus = reader.Integer("Simulated:VmVCpus", sim.VmVCpus, 1, 4096),
                VmMemoryMiB = reader.Integer("Simulated:VmMemoryMiB", sim.VmMemoryMiB, 1, int.MaxValue),
                LoadInjector = reader.Boolean("Simulated:LoadInjector", sim.LoadInjector),
                Seed = reader.Integer("Simulated:Seed", sim.Seed, int.MinValue, int.MaxValue),
                Speedup = reader.Number("Simulated:Speedup", sim.Speedup, 1, 100_000),
                MigrationBandwidthMbps = reader.Number("Simulated:MigrationBandwidthMbps", sim.MigrationBandwidthMbps, 1, 1_000_000),
            },
            LibvirtNodes = section.GetSection("Libvirt:Nodes").GetChildren()
                .ToDictionary(c => c.Key, c => c.Value ?? "", StringComparer.Ordinal),
            Scheduling = new DvmsOptions
            {
                Enabled = reader.Boolean("Scheduling:Enabled", dvms.Enabled),
                MonitoringPeriod = TimeSpan.FromSeconds(reader.Number("Scheduling:MonitoringPeriodSeconds", dvms.MonitoringPeriod.TotalSeconds, 0.01, 3600)),
                LeaseRenewalPeriod = TimeSpan.FromSeconds(reader.Number("Scheduling:LeaseRenewalSeconds", dvms.LeaseRenewalPeriod.TotalSeconds, 0.01, 3600)),
                LeaseTimeout = TimeSpan.FromSeconds(reader.Number("Scheduling:LeaseTimeoutSeconds", dvms.LeaseTimeout.TotalSeconds, 0.02, 3600)),
                SolverTimeLimit = TimeSpan.FromSeconds(reader.Number("Scheduling:SolverTimeLimitSeconds", dvms.SolverTimeLimit.TotalSeconds, 0.01, 3600)),
                UnderloadThreshold = string.IsNullOrWhiteSpace(section["Scheduling:UnderloadThreshold"])
                    ? null : reader.Number("Scheduling:UnderloadThreshold", 0, 0.001, 0.999),
                Solver = solver.Equals("greedy", StringComparison.OrdinalIgnoreCase) ? SolverKind.Greedy : SolverKind.CpSat,
            },
        };
        problems = reader.Problems;
        if (!solver.Equals("cpsat", StringComparison.OrdinalIgnoreCase) && !solver.Equals("greedy", StringComparison.OrdinalIgnoreCase))
            problems.Add($"{Section}:Scheduling:Solver: '{solver}' is not one of cpsat, greedy");
        problems.AddRange(settings.Scheduling.Validate().Select(p => $"{Section}:Scheduling:{p}"));

        if (string.IsNullOrWhiteSpace(settings.Site)) problems.Add($"{Section}:Site: must not be empty");
        foreach (var url in settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                problems.Add($"{Section}:Urls: '{url}' is not an http(s) URL such as http://127.0.0.1:8080");
        var needsDb = settings.Clustering == ClusteringKind.PostgreSql || settings.Storage == StorageKind.PostgreSql;
        if (needsDb && string.IsNullOrWhiteSpace(settings.ConnectionString))
            problems.Add($"{Section}:ConnectionString: required when Clustering or Storage is PostgreSql (e.g. Host=127.0.0.1;Database=discovery;Username=discovery;Password=...)");
        if (settings.Storage == StorageKind.PostgreSql)
            problems.Add($"{Section}:Storage: PostgreSql grain storage is not available yet (no grain persists state yet); use Memory");
        if (settings.SiloPort == settings.GatewayPort)
            problems.Add($"{Section}:GatewayPort: must differ from SiloPort ({settings.SiloPort})");
        if (settings.Hypervisor == HypervisorKind.Simulated && settings.Simulated.Sites > settings.Simulated.Nodes)
            problems.Add($"{Section}:Simulated:Sites: {settings.Simulated.Sites} sites for {settings.Simulated.Nodes} nodes; at most one site per node");
        if (settings.Hypervisor == HypervisorKind.Libvirt)
        {
            if (settings.LibvirtNodes.Count == 0)
                problems.Add($"{Section}:Libvirt:Nodes: name at least one node and its libvirt URI (e.g. \"pm-1\": \"qemu+ssh://pm-1/system\") when Hypervisor is Libvirt");
            foreach (var (node, uri) in settings.LibvirtNodes)
                if (string.IsNullOrWhiteSpace(uri) || !uri.Contains("://", StringComparison.Ordinal))
                    problems.Add($"{Section}:Libvirt:Nodes:{node}: '{uri}' is not a libvirt URI such as qemu:///system or test:///default");
        }
        return settings;
    }

    private sealed class Reader(IConfigurationSection section)
    {
        public List<string> Problems { get; } = [];

        private string Key(string name) => $"{Section}:{name}";

        public string Text(string name, string fallback) => section[name] is { } v ? v : fallback;

        public T Choice<T>(string name, T fallback) where T : struct, Enum
        {
            var raw = section[name];
            if (raw is null) return fallback;
            if (Enum.TryParse<T>(raw, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(raw, out _)) return value;
            Problems.Add($"{Key(name)}: '{raw}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
            return fallback;
        }

        public int Integer(string name, int fallback, int min, int max)
        {
            var raw = section[name];
            if (raw is null) return fallback;
            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            Problems.Add($"{Key(name)}: '{raw}' is not a whole number within {min}..{max}");
            return fallback;
        }

        public double Number(string name, double fallback, double min, double max)
        {
            var raw = section[name];
            if (raw is null) return fallback;
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            Problems.Add($"{Key(name)}: '{raw}' is not a number within {min}..{max}");
            return fallback;
        }

        public bool Boolean(string name, bool fallback)
        {
            var raw = section[name];
            if (raw is null) return fallback;
            if (bool.TryParse(raw, out var v)) return v;
            Problems.Add($"{Key(name)}: '{raw}' is not true or false");
            return fallback;
        }
    }
}

/// <summary>The simulated infrastructure of the embedded default (32 nodes, 320 VMs, load injector on).</summary>
public sealed record SimulatedSettings
{
    public int Nodes { get; init; } = 32;
    public int VmsPerNode { get; init; } = 10;
    public int Sites { get; init; } = 1;
    public int NodeCores { get; init; } = 8;
    public int NodeMemoryMiB { get; init; } = 32768;
    public int VmVCpus { get; init; } = 1;
    public int VmMemoryMiB { get; init; } = 1024;
    public bool LoadInjector { get; init; } = true;
    public int Seed { get; init; } = 42;
    public double Speedup { get; init; } = 1;
    public double MigrationBandwidthMbps { get; init; } = 1000;

    /// <summary>As the simulator's shape.</summary>
    public SimulationShape Shape => new(Nodes, VmsPerNode, Sites, NodeCores, NodeMemoryMiB, VmVCpus, VmMemoryMiB);
}
