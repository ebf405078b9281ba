using System.Globalization;
using System.Security;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>The libvirt XML of the image cache's pool and volumes.</summary>
public static class VolumeXml
{
    /// <summary>A <c>dir</c> pool named <paramref name="name"/> over <paramref name="path"/>.</summary>
    public static string Pool(string name, string path) => $"""
        <pool type='dir'>
          <name>{SecurityElement.Escape(name)}</name>
          <target><path>{SecurityElement.Escape(path)}</path></target>
        </pool>
        """;

    /// <summary>A raw volume of <paramref name="capacity"/> bytes (a base, kernel or initrd before its upload).</summary>
    public static string Raw(string name, long capacity) => $"""
        <volume>
          <name>{SecurityElement.Escape(name)}</name>
          <capacity unit='bytes'>{capacity.ToString(CultureInfo.InvariantCulture)}</capacity>
          <target><format type='raw'/></target>
        </volume>
        """;

    /// <summary>A qcow2 overlay of <paramref name="backing"/> (format <paramref name="backingFormat"/>), as large as it.</summary>
    public static string Overlay(string name, PoolVolume backing, string backingFormat) => $"""
        <volume>
          <name>{SecurityElement.Escape(name)}</name>
          <capacity unit='bytes'>{backing.Capacity.ToString(CultureInfo.InvariantCulture)}</capacity>
          <target><format type='qcow2'/></target>
          <backingStore>
            <path>{SecurityElement.Escape(backing.Path)}</path>
            <format type='{SecurityElement.Escape(backingFormat)}'/>
          </backingStore>
        </volume>
        """;
}
