using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Hypervisors.Simulated;
using Discovery.Silo.Configuration;
using Discovery.Time;
using Discovery.Validation;

namespace Discovery.Silo.Hosting;

/// <summary>Registers this silo's hypervisors (simulated datacentre or libvirt connections).</summary>
internal static class HypervisorSetup
{
    /// <summary>Registers the hypervisors and returns the infrastructure clock they run on.</summary>
    public static TimeProvider AddHypervisors(this IServiceCollection services, DiscoveryOptions settings)
    {
        TimeProvider infrastructure = TimeProvider.System;
        var directory = new HypervisorDirectory();
        services.AddSingleton(directory);
        services.AddSingleton(new MigrationUris(ConfiguredMigrationUris(settings)));
        var images = ImageCatalog.Open; // names only: the catalogue gives the bytes
        services.AddSingleton(images);
        services.AddSingleton(settings.Images.ToStoreOptions(settings.Hypervisor));
        if (settings.Hypervisor == HypervisorKind.Simulated)
        {
            var sim = settings.Simulated;
            // Infrastructure time: the wall clock, or faster than it with a speedup.
            infrastructure = sim.Speedup > 1 ? new ScaledTimeProvider(sim.Speedup) : TimeProvider.System;
            var datacenter = sim.Build(infrastructure);
            if (sim.LoadInjector) sim.StartLoadInjection(datacenter);
            foreach (var hypervisor in datacenter.Hypervisors) directory.Register(hypervisor, hypervisor.Site);
            services.AddSingleton(datacenter);
        }
        else
        {
            services.AddHostedService(sp => new LibvirtConnector(settings, directory, images, sp.GetRequiredService<Images.ImageSources>().For(settings.Site),
                sp.GetRequiredService<ILoggerFactory>()));
        }
        return infrastructure;
    }

    /// <summary>Per node, the migration URI it must publish: its Libvirt:MigrationUris entry, else (a node of this silo) its Libvirt:Nodes URI.</summary>
    internal static Dictionary<string, string> ConfiguredMigrationUris(DiscoveryOptions settings)
    {
        var uris = new Dictionary<string, string>(settings.LibvirtNodes, StringComparer.Ordinal);
        foreach (var (node, uri) in settings.LibvirtMigrationUris) uris[node] = uri;
        return uris;
    }

    /// <summary>Opens every configured libvirt connection before the silo starts; fails the start naming the node and URI.</summary>
    private sealed class LibvirtConnector(DiscoveryOptions settings, HypervisorDirectory directory, ImageCatalog images, Images.IImageSource imageSource,
        ILoggerFactory loggers) : IHostedService
    {
        private readonly List<LibvirtHypervisor> _open = [];

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var logger = loggers.CreateLogger<LibvirtHypervisor>();
            foreach (var (node, uri) in settings.LibvirtNodes)
            {
                try
                {
                    var hypervisor = await LibvirtHypervisor.OpenAsync(node, uri, logger, domainType: settings.LibvirtDomainType,
                        migrationUri: settings.LibvirtMigrationUris.GetValueOrDefault(node), migrateTls: settings.LibvirtMigrateTls, images: images,
                        imageSource: imageSource, imagePoolPath: settings.LibvirtImagePool);
                    if (hypervisor.ImageCache is { } cache) await cache.LoadAsync(); // what the node holds, and uploads a crash cut short cleared
                    _open.Add(hypervisor);
                    directory.Register(hypervisor, settings.Site);
                    logger.LogInformation("Connected node {Node} through {Uri}", node, uri);
                }
                catch (HypervisorException e)
                {
                    throw new InvalidOperationException($"{DiscoveryOptions.Section}:Libvirt:Nodes:{node}: cannot connect to '{uri}': {e.Message}", e);
                }
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var h in _open) await h.DisposeAsync();
        }
    }
}
