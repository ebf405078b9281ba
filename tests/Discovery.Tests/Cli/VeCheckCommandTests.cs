using Discovery.Cli;

namespace Discovery.Tests.Cli;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Tests that capture the console (run alone)";
}

/// <summary><c>discovery ve check</c>: no cluster needed; exit codes 0 valid, 1 errors, 2 wrong usage.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class VeCheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-ve-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (DiscoveryCommand.Run(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void A_valid_file_exits_0_one_with_errors_exits_1_with_a_line_per_error_and_wrong_usage_exits_2()
    {
        var ve = Write("shop.ve", "web[1..2] : small;\nspread(web[1..2]);\nban({web1}, {WN99});\nspread({web3});\n");
        var infra = Write("site.infra", "WN[1..3] : {cores: 8, memory: 32GiB};\n");

        var ok = Write("ok.ve", "web[1..2] : small;\nspread(web[1..2]);\n");
        Assert.Equal((0, $"{ok}: valid, 2 VM(s), 1 constraint(s) (node names not checked: give --infrastructure)\n", ""), Run("ve", "check", ok));
        Assert.Equal((0, $"{ok}: valid, 2 VM(s), 1 constraint(s), on 3 node(s)\n", ""), Run("ve", "check", ok, "--infrastructure", infra));
        Assert.Equal((1, $"{ve}:3:13: ban: unknown node WN99\n{ve}:4:8: spread: undeclared VM web3\n", ""), Run("ve", "check", ve, "--infrastructure", infra));
        var json = Run("ve", "check", ve, "--infrastructure", infra, "--json");
        Assert.Equal(1, json.Exit);
        Assert.StartsWith("{\"valid\":false,\"errors\":[{\"file\":", json.Out);
        Assert.Equal((2, "", $"discovery ve: cannot read {Path.Combine(_dir, "none.ve")}: Could not find file '{Path.Combine(_dir, "none.ve")}'.\n"),
            Run("ve", "check", Path.Combine(_dir, "none.ve")));
        Assert.Equal(2, Run("ve", "check").Exit);
        Assert.Equal(2, Run("ve", "check", ve, "--no-such-option").Exit);
    }
}
