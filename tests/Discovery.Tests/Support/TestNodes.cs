namespace Discovery.Tests.Support;

/// <summary>Custom node files for libvirt's test driver: one file = one private PM.</summary>
public sealed class TestNodes : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-libvirt-").FullName;

    /// <summary>Writes a node file and returns its test:/// URI.</summary>
    public string Create(string name, int cpus = 8, int memoryMiB = 16384, params string[] domains)
    {
        var path = Path.Combine(_dir, name + ".xml");
        File.WriteAllText(path, $"""
            <node>
              <cpu>
                <mhz>2400</mhz>
                <model>discovery-test-{name}</model>
                <active>{cpus}</active>
                <nodes>1</nodes>
                <sockets>1</sockets>
                <cores>{cpus}</cores>
                <threads>1</threads>
              </cpu>
              <memory>{memoryMiB * 1024L}</memory>
              {string.Join("\n", domains)}
            </node>
            """);
        return "test://" + path;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
