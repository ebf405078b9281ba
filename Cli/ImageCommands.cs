using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Discovery.Client;
using Discovery.Images;

namespace Discovery.Cli;

/// <summary><c>discovery image</c>: the cluster's image catalogue.</summary>
public static class ImageCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Image()
    {
        var image = new Command("image", """
            The images VMs boot. An image is stored as 4 MiB chunks named by their SHA-256, each once whatever the number of
            images and versions that hold it; a PoP pulls the chunks it lacks from every PoP that holds them, and placement
            prefers the nodes and PoPs that already hold a VM's image.
            """);
        image.Subcommands.Add(Push());
        image.Subcommands.Add(List());
        image.Subcommands.Add(Show());
        image.Subcommands.Add(Delete());
        return image;
    }

    private static Command Push()
    {
        var file = new Argument<FileInfo>("file") { Description = "The disk image (raw or qcow2)." };
        var name = new Option<string>("--name") { Description = "The image's name, as VEs write it (e.g. debian-12).", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "Private to this tenant (a tenant's token may push only its own); default: public (operators)." };
        var format = new Option<string?>("--format") { Description = "raw or qcow2 (default: read from the file)." };
        format.AcceptOnlyFromAmong("raw", "qcow2");
        var kernel = new Option<FileInfo?>("--kernel") { Description = "Boot directly from this kernel (the disk is then its root file system)." };
        var initrd = new Option<FileInfo?>("--initrd") { Description = "With --kernel: its initrd." };
        var cmdline = new Option<string?>("--cmdline") { Description = "With --kernel: its command line (e.g. \"root=/dev/vda rw console=ttyS0\")." };
        var site = new Option<string?>("--site") { Description = "The PoP whose store receives the chunks (default: the cluster's choice)." };
        var json = new Option<bool>("--json") { Description = "Print the image as JSON." };
        var command = new Command("push", """
            Pushes an image file: only the chunks the PoP's store lacks are sent, so pushing the same file again sends
            nothing and a new version sends its changed chunks. Prints the version registered and what was sent.
            Example: discovery image push debian-12.qcow2 --name debian-12
            Example: discovery image push rootfs.ext4 --name tiny --kernel vmlinuz --initrd initrd.gz --cmdline "root=/dev/vda rw console=ttyS0" --tenant alice
            """) { file, name, tenant, format, kernel, initrd, cmdline, site, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var files = new[] { parse.GetValue(file), parse.GetValue(kernel), parse.GetValue(initrd) }.OfType<FileInfo>().ToList();
            if (files.FirstOrDefault(f => !f.Exists) is { } missing)
            {
                Console.Error.WriteLine($"discovery image push: no file '{missing}'");
                return Task.FromResult(ClusterConnection.Usage);
            }
            if (parse.GetValue(kernel) is null && (parse.GetValue(initrd) is not null || parse.GetValue(cmdline) is not null))
            {
                Console.Error.WriteLine("discovery image push: --initrd and --cmdline belong to a direct boot: give --kernel too");
                return Task.FromResult(ClusterConnection.Usage);
            }
            if (!Validation.ImageCatalog.IsValidName(parse.GetValue(name)))
            {
                Console.Error.WriteLine($"discovery image push: --name '{parse.GetValue(name)}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
                return Task.FromResult(ClusterConnection.Usage);
            }
            return ClusterConnection.RunAsync(parse, connection, async client =>
            {
                var total = files.Sum(f => f.Length);
                await using var disk = parse.GetValue(file)!.OpenRead();
                await using var k = parse.GetValue(kernel)?.OpenRead();
                await using var i = parse.GetValue(initrd)?.OpenRead();
                var pushed = await client.PushImageAsync(
                    new ImagePush(parse.GetValue(name)!, disk, parse.GetValue(tenant), parse.GetValue(format), k, i, parse.GetValue(cmdline), parse.GetValue(site)),
                    new InlineProgress<ImagePushProgress>(p => Progress.Report(p.Bytes, total, $"bytes read, {p.ChunksSent} chunk(s) sent, {p.ChunksSkipped} already there")), ct);
                Progress.Done();
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(new { image = View(pushed.Image), pushed.Site, pushed.ChunksSent, pushed.ChunksSkipped, pushed.BytesSent }, Json));
                else
                    Console.WriteLine($"{Headline(pushed.Image)}: {pushed.ChunksSent} chunk(s) sent ({Size(pushed.BytesSent)}), {pushed.ChunksSkipped} already at PoP {pushed.Site}");
                return 0;
            }, ct);
        });
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "Lists the images you may boot: latest version, size, owner, the PoPs holding all its chunks, the nodes caching it.") { json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var images = await client.ListImagesAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(images.Select(s => new { image = View(s.Latest), s.Versions, s.Sites, s.CachedOnNodes }), Json));
            else
            {
                Console.WriteLine($"{"IMAGE",-24} {"VERSION",7} {"SIZE",10} {"OWNER",-12} {"NODES",5} POPS");
                foreach (var s in images)
                    Console.WriteLine($"{s.Latest.Name,-24} {s.Latest.Version,7} {Size(s.Latest.Size),10} {s.Latest.Tenant ?? "public",-12} {s.CachedOnNodes,5} " +
                        $"{(s.Latest.Synthetic ? "(simulated)" : string.Join(",", s.Sites))}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The image." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("show", "Shows an image's latest version: digest, format, size, chunks, boot method, owner.") { name, json };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            var image = await client.GetImageAsync(parse.GetValue(name)!, ct);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(View(image), Json));
            else
            {
                Console.WriteLine(Headline(image));
                Console.WriteLine($"  digest  {image.Digest}");
                Console.WriteLine($"  disk    {image.Format}, {Size(image.Disk.Size)}, {image.Disk.Chunks.Length} chunk(s), sha256 {image.Disk.Digest}");
                Console.WriteLine(image.Boot is { } boot
                    ? $"  boot    kernel {Size(boot.Kernel.Size)}{(boot.Initrd is { } i ? $", initrd {Size(i.Size)}" : "")}, cmdline \"{boot.CommandLine}\""
                    : "  boot    from the disk's boot loader");
                Console.WriteLine($"  owner   {image.Tenant ?? "public"}{(image.Synthetic ? " (simulated: no bytes stored)" : "")}, pushed {image.Pushed:u}");
            }
            return 0;
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The image." };
        var command = new Command("delete", "Forgets every version of an image: VEs can no longer name it; VMs running it keep their cached bases.") { name };
        var connection = ClusterConnection.AddTo(command);
        command.SetAction((parse, ct) => ClusterConnection.RunAsync(parse, connection, async client =>
        {
            await client.DeleteImageAsync(parse.GetValue(name)!, ct);
            Console.WriteLine($"deleted image {parse.GetValue(name)}");
            return 0;
        }, ct));
        return command;
    }

    private static string Headline(ImageManifest image) => $"{image.Name} v{image.Version} ({image.Format}, {Size(image.Size)}{(image.Tenant is { } t ? $", private to {t}" : "")})";

    private static object View(ImageManifest m) => new
    {
        m.Name, m.Version, m.Tenant, m.Format, m.Size, m.Digest, Chunks = m.Chunks.Count, Simulated = m.Synthetic, m.Pushed,
        Boot = m.Boot is { } b ? new { Kernel = b.Kernel.Digest, Initrd = b.Initrd?.Digest, b.CommandLine } : null,
    };

    internal static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => $"{bytes} B",
    };
}
