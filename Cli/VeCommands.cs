using System.CommandLine;
using System.Text.Json;
using Discovery.Language;

namespace Discovery.Cli;

/// <summary><c>discovery ve</c>: VEs described in the VE language.</summary>
public static class VeCommands
{
    public static Command Ve()
    {
        var ve = new Command("ve", "VEs (virtual environments) described in the VE language: check a file, submit it, operate it.");
        ve.Subcommands.Add(Check());
        return ve;
    }

    private static Command Check()
    {
        var file = new Argument<FileInfo>("file") { Description = "The VE file." };
        var infrastructure = new Option<FileInfo?>("--infrastructure") { Description = "An infrastructure file: node names are then checked, and spreads that can never hold are reported." };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON (valid, errors with file, line, column and message, VMs, constraints)." };
        var command = new Command("check", """
            Checks a VE file without any cluster: every error is printed as FILE:LINE:COL: message.
            Exit code 0 when the file is valid, 1 when it has errors, 2 on wrong usage (a file that cannot be read).
            Example: discovery ve check shop.ve --infrastructure rennes.infra
            """) { file, infrastructure, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (Read(path) is not { } text) return 2;
            var errors = new List<LanguageError>();
            IReadOnlySet<string>? nodes = null;
            if (parse.GetValue(infrastructure) is { } infraFile)
            {
                if (Read(infraFile) is not { } infraText) return 2;
                var infra = InfrastructureCompiler.Compile(infraText, infraFile.ToString());
                errors.AddRange(infra.Errors);
                nodes = infra.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            }
            var result = VeCompiler.Compile(text, path.ToString(), Path.GetFileNameWithoutExtension(path.Name), errors.Count == 0 ? nodes : null);
            errors.AddRange(result.Errors);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    valid = errors.Count == 0,
                    errors = errors.Select(e => new { file = e.File, line = e.At.Line, column = e.At.Column, message = e.Message }),
                    vms = result.Ve?.Vms.Length ?? 0,
                    constraints = result.Ve?.Constraints.Length ?? 0,
                }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            else if (errors.Count > 0)
                foreach (var e in errors) Console.WriteLine(e);
            else
                Console.WriteLine($"{path}: valid, {result.Ve!.Vms.Length} VM(s), {result.Ve.Constraints.Length} constraint(s)" +
                    (nodes is null ? " (node names not checked: give --infrastructure)" : $", on {nodes.Count} node(s)"));
            return errors.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static string? Read(FileInfo file)
    {
        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"discovery ve: cannot read {file}: {e.Message}");
            return null;
        }
    }
}
