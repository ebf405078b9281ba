namespace Discovery.Security;

/// <summary>
/// Where the embedded default keeps its cluster key and operator token, and where the CLI and the client library look
/// for a token: <c>$DISCOVERY_HOME</c>, else <c>~/.discovery</c>.
/// </summary>
public static class DiscoveryHome
{
    /// <summary>The environment variable that moves the directory.</summary>
    public const string Variable = "DISCOVERY_HOME";

    /// <summary>The environment variable a token can be given in.</summary>
    public const string TokenVariable = "DISCOVERY_TOKEN";

    /// <summary>The directory.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".discovery");

    /// <summary>The operator token the embedded default writes at its first start.</summary>
    public static string TokenFile => Path.Combine(Directory, "token");

    /// <summary>The cluster key the embedded default makes at its first start.</summary>
    public static string KeyFile => Path.Combine(Directory, "cluster.key");

    /// <summary>
    /// The token to send: <paramref name="explicitToken"/>, else <c>$DISCOVERY_TOKEN</c>, else the content of
    /// <see cref="TokenFile"/> when it exists; null when there is none.
    /// </summary>
    public static string? FindToken(string? explicitToken = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitToken)) return explicitToken.Trim();
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment.Trim();
        var file = TokenFile;
        return File.Exists(file) ? File.ReadAllText(file).Trim() is { Length: > 0 } fromFile ? fromFile : null : null;
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> readable by its owner only (0600), atomically; without
    /// <paramref name="overwrite"/>, a file already there (another process was first) is kept and false returned.
    /// </summary>
    public static bool WritePrivate(string path, string content, bool overwrite = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream)) writer.Write(content);
        try
        {
            File.Move(temporary, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}
