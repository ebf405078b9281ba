using Discovery.Images;
using Orleans.Serialization;
using Orleans.Storage;

namespace Discovery.Tests.Storage;

/// <summary>The catalogue's state as the PostgreSQL grain storage writes and reads it (Orleans' JSON storage serializer).</summary>
public sealed class PersistedImageStateTests
{
    [Fact]
    public void The_catalogue_s_manifests_survive_the_json_storage_serializer()
    {
        var serializer = new JsonGrainStorageSerializer(new OrleansJsonSerializer(Microsoft.Extensions.Options.Options.Create(new OrleansJsonSerializerOptions())));
        var state = new ImageCatalogState();
        var image = SyntheticImages.Of("debian-12", 3L << 22) with { Version = 2, Pushed = new DateTimeOffset(2026, 12, 8, 5, 0, 0, TimeSpan.Zero) };
        var boot = new ImageBoot(image.Disk, null, "root=/dev/vda");
        state.Images["debian-12"] = [image, image with { Version = 3, Boot = boot, Tenant = "alice" }];

        var back = serializer.Deserialize<ImageCatalogState>(serializer.Serialize(state))!;

        Assert.Equal(["debian-12"], back.Images.Keys);
        Assert.Equal(2, back.Images["debian-12"].Count);
        Assert.Equal(image.Disk.Chunks.ToArray(), back.Images["debian-12"][0].Disk.Chunks.ToArray());
        Assert.Equal(image with { Disk = back.Images["debian-12"][0].Disk }, back.Images["debian-12"][0]);
        Assert.Equal((3, "alice", "root=/dev/vda", image.Digest == back.Images["debian-12"][1].Disk.Digest),
            (back.Images["debian-12"][1].Version, back.Images["debian-12"][1].Tenant, back.Images["debian-12"][1].Boot!.CommandLine, true));
    }
}
