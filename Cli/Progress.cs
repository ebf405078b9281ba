namespace Discovery.Cli;

/// <summary>Progress of long work on stderr: one rewritten line on a terminal, a line per 10 % otherwise.</summary>
public static class Progress
{
    private static int _lastDecile = -1;

    public static void Report(long done, long total, string detail)
    {
        if (!Console.IsErrorRedirected)
        {
            var width = 30;
            var filled = total == 0 ? width : (int)(width * done / total);
            Console.Error.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {detail}".PadRight(Math.Max(20, Console.WindowWidth - 1)));
            return;
        }
        var decile = total == 0 ? 10 : (int)(10 * done / total);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.Error.WriteLine($"  {done}/{total} {detail}");
    }

    public static void Done()
    {
        if (!Console.IsErrorRedirected) Console.Error.WriteLine();
        _lastDecile = -1;
    }
}
