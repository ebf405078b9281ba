using Discovery.Hypervisors.Libvirt;

namespace Discovery.Tests.Support;

/// <summary>
/// External dependencies of tests. Without them a test is skipped with a message that says how
/// to get them; under CI=true a missing dependency fails the test instead.
/// </summary>
public static class Requires
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Libvirt()
    {
        if (LibvirtRuntime.IsAvailable) return;
        const string how = "libvirt.so.0 is not installed: apt-get install -y libvirt0 (the tests use its built-in test driver, no daemon)";
        if (InCi) throw new InvalidOperationException("CI=true and " + how);
        Skip.If(true, how);
    }

    /// <summary>Debian's chromium, which the browser tests drive through Playwright (never a browser Playwright downloads).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public static void Chromium()
    {
        if (File.Exists(ChromiumPath)) return;
        const string how = "chromium is not installed: apt-get install -y chromium (the browser tests drive /usr/bin/chromium headless)";
        if (InCi) throw new InvalidOperationException("CI=true and " + how);
        Skip.If(true, how);
    }
}
