using System.Buffers.Binary;

namespace Discovery.Images;

/// <summary>
/// What a qcow2 disk's header says that a hypervisor would follow outside the image: a backing file or an external data
/// file, both host paths. A pushed image may name neither: a tenant's qcow2 whose header names <c>/etc/shadow</c> or
/// another VM's overlay would hand the guest that file.
/// </summary>
public static class Qcow2Header
{
    private static ReadOnlySpan<byte> Magic => [0x51, 0x46, 0x49, 0xfb]; // "QFI\xfb" (a UTF-8 literal would encode \xfb in two bytes)

    /// <summary>Why a disk starting with <paramref name="start"/> (its first bytes, at least 104) may not be an image; null when it may.</summary>
    public static string? Problem(ReadOnlySpan<byte> start, string format)
    {
        var isQcow2 = start.Length >= 4 && start[..4].SequenceEqual(Magic);
        if (format != "qcow2") return null; // a raw disk is read as raw (the base's format is explicit), whatever its bytes
        if (!isQcow2) return "format: the disk is declared qcow2 but does not start with qcow2's magic";
        if (start.Length < 104) return "format: the qcow2 header is cut short";
        var version = BinaryPrimitives.ReadUInt32BigEndian(start[4..]);
        var backingOffset = BinaryPrimitives.ReadUInt64BigEndian(start[8..]);
        if (backingOffset != 0) return "disk: the qcow2 header names a backing file; push a standalone image (qemu-img convert -O qcow2)";
        if (version >= 3)
        {
            var incompatible = BinaryPrimitives.ReadUInt64BigEndian(start[72..]);
            if ((incompatible & 0b100) != 0) return "disk: the qcow2 header names an external data file; push a standalone image (qemu-img convert -O qcow2)";
        }
        return null;
    }
}
