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

    /// <summary>
    /// Two libvirt daemons on this machine that can live-migrate a QEMU guest to each other, and the guest's kernel and
    /// initramfs (what <c>.ci/libvirt-pair.sh start</c> sets up and prints): (A URI, B URI, kernel, initramfs).
    /// </summary>
    public static (string A, string B, string Kernel, string Initrd) LibvirtPair()
    {
        Libvirt();
        var values = new[] { "DISCOVERY_TEST_LIBVIRT_A", "DISCOVERY_TEST_LIBVIRT_B", "DISCOVERY_TEST_QEMU_KERNEL", "DISCOVERY_TEST_QEMU_INITRD" }
            .Select(Environment.GetEnvironmentVariable).ToArray();
        if (values.All(v => !string.IsNullOrEmpty(v))) return (values[0]!, values[1]!, values[2]!, values[3]!);
        const string how = "no pair of libvirt daemons: as root, run `eval \"$(.ci/libvirt-pair.sh start)\"` and export its four DISCOVERY_TEST_* variables " +
            "(it installs libvirt-daemon-system and qemu-system-x86, and starts two daemons with their own host UUIDs)";
        if (InCi) throw new InvalidOperationException("CI=true and " + how);
        Skip.If(true, how);
        return default;
    }

    /// <summary>
    /// The pair of libvirt daemons and the disk guest <c>.ci/libvirt-pair.sh start</c> builds: (A URI, B URI, ext4 disk,
    /// kernel, initramfs that mounts the disk).
    /// </summary>
    public static (string A, string B, string Disk, string Kernel, string Initrd) LibvirtImagePair()
    {
        Libvirt();
        var values = new[] { "DISCOVERY_TEST_LIBVIRT_A", "DISCOVERY_TEST_LIBVIRT_B", "DISCOVERY_TEST_IMAGE_DISK", "DISCOVERY_TEST_IMAGE_KERNEL", "DISCOVERY_TEST_IMAGE_INITRD" }
            .Select(Environment.GetEnvironmentVariable).ToArray();
        if (values.All(v => !string.IsNullOrEmpty(v))) return (values[0]!, values[1]!, values[2]!, values[3]!, values[4]!);
        const string how = "no pair of libvirt daemons with the disk guest: as root, run `eval \"$(.ci/libvirt-pair.sh start)\"` and export its " +
            "DISCOVERY_TEST_LIBVIRT_A/B and DISCOVERY_TEST_IMAGE_DISK/KERNEL/INITRD variables (it installs libvirt, QEMU, e2fsprogs and qemu-utils, " +
            "starts two daemons and builds the guest's ext4 disk)";
        if (InCi) throw new InvalidOperationException("CI=true and " + how);
        Skip.If(true, how);
        return default;
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
