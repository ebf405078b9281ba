using System.Buffers.Binary;
using Discovery.Images;

namespace Discovery.Tests.Images;

/// <summary>A pushed qcow2 may name no host file: neither a backing file nor an external data file.</summary>
public sealed class Qcow2HeaderTests
{
    private static byte[] Header(uint version, ulong backingOffset = 0, ulong incompatible = 0)
    {
        var header = new byte[512];
        ((byte[])[0x51, 0x46, 0x49, 0xfb]).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), version);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), backingOffset);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(72), incompatible);
        return header;
    }

    [Fact]
    public void A_standalone_qcow2_passes() => Assert.Null(Qcow2Header.Problem(Header(3), "qcow2"));

    [Fact]
    public void A_backing_file_is_refused() =>
        Assert.Equal("disk: the qcow2 header names a backing file; push a standalone image (qemu-img convert -O qcow2)", Qcow2Header.Problem(Header(2, backingOffset: 0x200), "qcow2"));

    [Fact]
    public void An_external_data_file_is_refused() =>
        Assert.Equal("disk: the qcow2 header names an external data file; push a standalone image (qemu-img convert -O qcow2)", Qcow2Header.Problem(Header(3, incompatible: 0b100), "qcow2"));

    [Fact]
    public void A_disk_declared_qcow2_must_be_one_and_a_raw_disk_is_read_as_raw()
    {
        Assert.Equal("format: the disk is declared qcow2 but does not start with qcow2's magic", Qcow2Header.Problem(new byte[512], "qcow2"));
        Assert.Null(Qcow2Header.Problem(Header(2, backingOffset: 0x200), "raw")); // its base is given to QEMU as raw: the header is data
    }
}
