using System.Diagnostics;
using System.IO.Compression;

namespace Discovery.Tests.Cli;

/// <summary>
/// <c>dotnet pack Cli</c> makes <c>discovery</c> a .NET tool: packed from the build under test, installed with
/// <c>dotnet tool install --tool-path</c> from that folder only, and run from where it was installed (OR-Tools' native
/// libraries included). In the DVMS collection: packing compresses about 500 MB, which would starve the timing-sensitive
/// in-process clusters on 2 cores.
/// </summary>
[Collection(global::Discovery.Tests.Scheduling.DvmsCollection.Name)]
public sealed class CliToolTests : IDisposable
{
    private const string Package = "Discovery.Cli.0.1.0.nupkg";

    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_packed_tool_installs_from_a_folder_and_runs()
    {
        var (configuration, root) = (Support.SiloProcess.Configuration, Support.SiloProcess.RepositoryRoot());
        var (packages, tools) = (Path.Combine(_dir, "packages"), Path.Combine(_dir, "tools"));

        // --no-build: the CLI this test run built (and the tests above ran) is the one packed; nothing is restored.
        var pack = await Run("dotnet", "pack", Path.Combine(root, "Cli", "Cli.csproj"), "-c", configuration, "--no-build", "-o", packages);
        Assert.True(pack.Exit == 0, pack.Out + pack.Err);
        Assert.Equal([Package], Directory.GetFiles(packages).Select(Path.GetFileName));
        using (var zip = ZipFile.OpenRead(Path.Combine(packages, Package)))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            Assert.Contains("tools/net10.0/any/discovery.dll", entries);
            Assert.Contains("tools/net10.0/any/Discovery.Placement.dll", entries); // project references go inside
            Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libortools.so.9", entries);
        }

        // Only that folder as a source: no registry is asked.
        var config = Path.Combine(_dir, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="discovery" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var install = await Run("dotnet", "tool", "install", "--tool-path", tools, "--configfile", config, "Discovery.Cli");
        Assert.True(install.Exit == 0, install.Out + install.Err);
        Assert.EndsWith("Tool 'discovery.cli' (version '0.1.0') was successfully installed.\n", install.Out);
        var discovery = Path.Combine(tools, "discovery");

        var help = await Run(discovery, "--help");
        Assert.Equal(0, help.Exit);
        Assert.Equal(["Description:", "  Discovery: distributed, cooperative management of VMs across many small data centres.", "", "Usage:", "  discovery [command] [options]"],
            help.Out.Split('\n').Take(5));

        var (good, bad) = (Path.Combine(_dir, "shop.ve"), Path.Combine(_dir, "bad.ve"));
        File.WriteAllText(good, "web[1..2] : small;\nspread(web[1..2]);\n");
        File.WriteAllText(bad, "web1 : small;\nspread({web7});\n");
        Assert.Equal((0, $"{good}: valid, 2 VM(s), 1 constraint(s) (node names not checked: give --infrastructure)\n", ""), await Run(discovery, "ve", "check", good));
        Assert.Equal((1, $"{bad}:2:8: spread: undeclared VM web7\n", ""), await Run(discovery, "ve", "check", bad));

        // CP-SAT's native library loads from the tool's folder: one small instance solved.
        var solver = await Run(discovery, "bench", "solver", "--nodes", "4", "--vms-per-node", "3", "--instances", "1");
        Assert.True(solver.Exit == 0, solver.Out + solver.Err);
        Assert.Equal(["cpsat", "1/1"], solver.Out.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
    }
}
