using Discovery.Silo.Configuration;
using Discovery.Silo.Hosting;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Discovery.Tests.Silo;

/// <summary>
/// Grain state in the "discovery" storage provider on a real PostgreSQL database, with the schema the silo
/// applies (<see cref="PostgreSqlSchema"/>) and the storage it configures (<see cref="OrleansSetup.AddStorage"/>).
/// </summary>
public sealed class PostgreSqlStorageTests
{
    /// <summary>The state name of <see cref="StoredGrain"/>: what the provider stores as the grain type.</summary>
    private const string StateName = "state";

    [SkippableFact]
    public async Task Grain_state_outlives_the_silo_refuses_a_stale_etag_and_clears()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var settings = new DiscoveryOptions { Storage = StorageKind.PostgreSql, ConnectionString = db.ConnectionString };
        await ApplySchemaAsync(settings);

        var written = new StoredState { Name = "ve-1", Count = 2 };
        await using (var first = await StartAsync(settings))
        {
            var grain = first.Client.GetGrain<IStoredGrain>("ve-1");
            Assert.Equal(new StoredView(new StoredState(), null, false), await grain.GetAsync());
            Assert.Equal("1", await grain.WriteAsync(written with { Count = 1 }));
            Assert.Equal("2", await grain.WriteAsync(written));
        }
        Assert.Equal(2, await db.ScalarAsync("SELECT Version FROM OrleansStorage WHERE ServiceId = 'discovery' AND PayloadBinary IS NOT NULL"));

        // A new silo (nothing in memory) reads the state back.
        await using var second = await StartAsync(settings);
        var again = second.Client.GetGrain<IStoredGrain>("ve-1");
        Assert.Equal(new StoredView(written, "2", true), await again.GetAsync());

        // Another writer (a second activation during a partition, say) writes with the current ETag ...
        var storage = second.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansSetup.StorageName);
        var id = again.GetGrainId();
        var other = new GrainState<StoredState>();
        await storage.ReadStateAsync(StateName, id, other);
        Assert.Equal(("2", written), (other.ETag, other.State));
        other.State = written with { Count = 99 };
        await storage.WriteStateAsync(StateName, id, other);
        Assert.Equal("3", other.ETag);
        // ... so the grain's ETag is stale: its write is refused and the other writer's state stays.
        await Assert.ThrowsAsync<InconsistentStateException>(() => again.WriteAsync(written with { Count = 4 }));
        await again.Deactivate();
        Assert.Equal(new StoredView(written with { Count = 99 }, "3", true), await again.GetAsync());

        // Two first writes of a grain that never had state: one wins, the other is refused.
        var fresh = second.Client.GetGrain<IStoredGrain>("ve-2").GetGrainId();
        var (a, b) = (new GrainState<StoredState>(new StoredState { Name = "a" }), new GrainState<StoredState>(new StoredState { Name = "b" }));
        await storage.WriteStateAsync(StateName, fresh, a);
        Assert.Equal("1", a.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, fresh, b));

        // Clear: the state is gone (the row keeps its version for the next write); a stale clear is refused.
        await again.ClearAsync();
        Assert.Equal(new StoredView(new StoredState(), "4", false), await again.GetAsync());
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, id, other));
        await again.Deactivate();
        Assert.Equal(new StoredView(new StoredState(), "4", false), await again.GetAsync());
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NULL"));
        Assert.Equal("5", await again.WriteAsync(written));
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM OrleansStorage"));
    }

    [SkippableFact]
    public async Task Both_scripts_apply_in_either_order_and_again()
    {
        string[][] orders = [[PostgreSqlSchema.PersistenceScript, PostgreSqlSchema.ClusteringScript], [PostgreSqlSchema.ClusteringScript, PostgreSqlSchema.PersistenceScript]];
        foreach (var order in orders)
        {
            await using var db = await PostgreSqlDatabase.CreateAsync();
            foreach (var script in order)
                await new PostgreSqlSchema(db.ConnectionString, [script], NullLogger<PostgreSqlSchema>.Instance).StartAsync(CancellationToken.None);
            // What a silo with both on PostgreSQL runs at every start.
            await ApplySchemaAsync(new DiscoveryOptions { Clustering = ClusteringKind.PostgreSql, Storage = StorageKind.PostgreSql, ConnectionString = db.ConnectionString });
            Assert.Equal(10 + 4, await db.ScalarAsync("SELECT count(*) FROM OrleansQuery"));
            Assert.Equal(3, await db.ScalarAsync(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('orleansquery', 'orleansmembershiptable', 'orleansstorage')"));
        }
    }

    [Fact]
    public void Scripts_follow_the_settings_and_the_persistence_script_defines_every_query_the_provider_reads()
    {
        Assert.Empty(PostgreSqlSchema.ScriptsFor(new DiscoveryOptions()));
        Assert.Equal([PostgreSqlSchema.PersistenceScript], PostgreSqlSchema.ScriptsFor(new DiscoveryOptions { Storage = StorageKind.PostgreSql }));
        Assert.Equal([PostgreSqlSchema.ClusteringScript, PostgreSqlSchema.PersistenceScript],
            PostgreSqlSchema.ScriptsFor(new DiscoveryOptions { Clustering = ClusteringKind.PostgreSql, Storage = StorageKind.PostgreSql }));

        var script = PostgreSqlSchema.ReadScript(PostgreSqlSchema.PersistenceScript);
        foreach (var key in new[] { "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey" })
            Assert.Contains($"('{key}'", script);
    }

    [Fact]
    public async Task A_database_that_refuses_names_the_connection_string()
    {
        // Nothing listens on port 1 of the loopback: the connection is refused at once.
        var schema = new PostgreSqlSchema("Host=127.0.0.1;Port=1;Timeout=2;Username=discovery", [PostgreSqlSchema.PersistenceScript], NullLogger<PostgreSqlSchema>.Instance);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => schema.StartAsync(CancellationToken.None));
        Assert.StartsWith("Discovery:ConnectionString: cannot prepare the PostgreSQL schema (postgresql-persistence.sql)", e.Message);
    }

    /// <summary>What the silo does at start (Program.cs registers the same hosted service).</summary>
    private static Task ApplySchemaAsync(DiscoveryOptions settings) =>
        new PostgreSqlSchema(settings.ConnectionString!, PostgreSqlSchema.ScriptsFor(settings), NullLogger<PostgreSqlSchema>.Instance).StartAsync(CancellationToken.None);

    private static async Task<InProcessTestCluster> StartAsync(DiscoveryOptions settings)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = settings.ServiceId; // stored rows belong to the service: every cluster of the test shares it
        builder.ConfigureSilo((_, silo) => OrleansSetup.AddStorage(silo, settings));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}

public interface IStoredGrain : IGrainWithStringKey
{
    Task<StoredView> GetAsync();
    /// <summary>Replaces the state and writes it; returns the new ETag.</summary>
    Task<string?> WriteAsync(StoredState state);
    Task ClearAsync();
    /// <summary>Deactivates the grain: its next call reads the state from storage again.</summary>
    Task Deactivate();
}

[GenerateSerializer]
public sealed record StoredState
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public int Count { get; init; }
}

[GenerateSerializer]
public sealed record StoredView([property: Id(0)] StoredState State, [property: Id(1)] string? ETag, [property: Id(2)] bool RecordExists);

public sealed class StoredGrain([PersistentState("state", OrleansSetup.StorageName)] IPersistentState<StoredState> state) : Grain, IStoredGrain
{
    public Task<StoredView> GetAsync() => Task.FromResult(new StoredView(state.State, state.Etag, state.RecordExists));

    public async Task<string?> WriteAsync(StoredState value)
    {
        state.State = value;
        await state.WriteStateAsync();
        return state.Etag;
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
