using System.Text.RegularExpressions;

namespace Discovery.Environments;

/// <summary>
/// A VE's key, <c>tenant/name</c>, and the ids its VMs carry on hypervisors. A VM named
/// <c>web1</c> in VE <c>alice/shop</c> is <c>alice.shop.web1</c> everywhere below the VE: on
/// hypervisors (libvirt domain names cannot hold '/'), in node snapshots and in constraints.
/// </summary>
public static partial class VeId
{
    /// <summary>Tenant, VE and VM names: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    [GeneratedRegex(NamePattern)]
    private static partial Regex Name();

    /// <summary>True when <paramref name="name"/> is a valid tenant or VE name.</summary>
    public static bool IsValidName(string? name) => name is not null && Name().IsMatch(name);

    /// <summary>VM names may also hold capitals (the seed's <c>VM1</c>): letters, digits and '-', 1 to 63, starting with a letter or digit.</summary>
    public const string VmNamePattern = "^[A-Za-z0-9][A-Za-z0-9-]{0,62}$";

    [GeneratedRegex(VmNamePattern)]
    private static partial Regex VmName();

    /// <summary>True when <paramref name="name"/> is a valid VM name.</summary>
    public static bool IsValidVmName(string? name) => name is not null && VmName().IsMatch(name);

    /// <summary>The key of VE <paramref name="name"/> of <paramref name="tenant"/>.</summary>
    public static string Of(string tenant, string name) => $"{tenant}/{name}";

    /// <summary>Splits a key into tenant and name; null when it is not <c>tenant/name</c> with valid names.</summary>
    public static (string Tenant, string Name)? Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 2 && IsValidName(parts[0]) && IsValidName(parts[1]) ? (parts[0], parts[1]) : null;
    }

    /// <summary>The VE (<c>tenant/name</c>) a hypervisor VM id belongs to, or null for a VM Discovery did not create.</summary>
    public static string? VeOfVm(string vmId)
    {
        var parts = vmId.Split('.');
        return parts.Length == 3 && IsValidName(parts[0]) && IsValidName(parts[1]) && IsValidVmName(parts[2]) ? Of(parts[0], parts[1]) : null;
    }

    /// <summary>The hypervisor id of VM <paramref name="vm"/> of VE <paramref name="ve"/> (<c>tenant/name</c>).</summary>
    public static string QualifyVm(string ve, string vm) => $"{ve.Replace('/', '.')}.{vm}";
}
