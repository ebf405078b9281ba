using System.Text.RegularExpressions;

namespace Discovery.Validation;

/// <summary>
/// The images tenants may boot: a tenant names an image, never a file. With an operator's allow-list
/// (<c>Discovery:Images:&lt;name&gt;=&lt;absolute path&gt;</c>) only its names are accepted and each resolves to its
/// file; without one (<see cref="Open"/>, the simulated default) any plain name is accepted and resolves to no
/// file (the VM boots without a disk, as the simulated and test hypervisors need). A path is refused either way:
/// a root libvirt daemon would attach any host file named as a read-write disk.
/// </summary>
public sealed partial class ImageCatalog
{
    private readonly SortedDictionary<string, string?>? _paths; // name -> its file (allow-list), or null (a catalogue name: no file)

    /// <summary>An allow-list of image name to absolute file; null: no list (<see cref="Open"/>).</summary>
    public ImageCatalog(IReadOnlyDictionary<string, string>? images)
    {
        if (images is not { Count: > 0 }) return;
        var problems = Problems(images);
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(images));
        _paths = new(images.ToDictionary(kv => kv.Key, string? (kv) => kv.Value), StringComparer.Ordinal);
    }

    /// <summary>No allow-list: plain names only, none resolving to a file.</summary>
    public static ImageCatalog Open { get; } = new((IReadOnlyDictionary<string, string>?)null);

    /// <summary>
    /// The names of the cluster's image catalogue a VE may boot, even none; a VM naming another is refused with these
    /// names listed. Names only: the catalogue, not a file, gives the bytes.
    /// </summary>
    public static ImageCatalog Of(IEnumerable<string> names) =>
        new(names);

    private ImageCatalog(IEnumerable<string> names) => _paths = new(names.ToDictionary(n => n, string? (_) => null), StringComparer.Ordinal);

    /// <summary>True when an operator listed the images.</summary>
    public bool HasAllowList => _paths is not null;

    /// <summary>The names an allow-list offers, sorted; empty without one.</summary>
    public IReadOnlyCollection<string> Names => _paths?.Keys ?? (IReadOnlyCollection<string>)[];

    /// <summary>A name: a letter or digit, then letters, digits, '.', '_' or '-' (at most 64), never "..".</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>Anything a hypervisor could read as a file: a separator, a home or drive prefix, a leading dot.</summary>
    public static bool LooksLikePath(string image) =>
        image.Contains('/') || image.Contains('\\') || image.StartsWith('~') || image.StartsWith('.') || (image.Length >= 2 && image[1] == ':');

    /// <summary>Why a tenant may not boot <paramref name="image"/>; null when it may.</summary>
    public string? Problem(string? image)
    {
        if (string.IsNullOrWhiteSpace(image)) return "must not be empty" + Offer();
        if (LooksLikePath(image)) return $"'{image}' is a path; {(HasAllowList ? "name one of: " + string.Join(", ", Names) : "name an image (e.g. debian-12), never a file")}";
        if (!IsValidName(image)) return $"'{image}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)" + Offer();
        if (_paths is not null && !_paths.ContainsKey(image))
            return _paths.Count == 0 ? $"'{image}' is not a known image: there is no image you may boot (discovery image push adds one)"
                : $"'{image}' is not a known image; name one of: {string.Join(", ", Names)}";
        return null;
    }

    /// <summary>
    /// The file <paramref name="image"/> boots from (null: no disk, the catalog is <see cref="Open"/>); throws
    /// <see cref="ArgumentException"/> with <see cref="Problem"/> when it may not be booted. Hypervisors call this
    /// even for validated specs: a spec can reach a node without passing through a VE.
    /// </summary>
    public string? Resolve(string image) =>
        Problem(image) is { } problem ? throw new ArgumentException($"image {problem}")
            : _paths?.GetValueOrDefault(image);

    /// <summary>The problems of an operator's allow-list, each naming its key under <c>Images</c>.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> images)
    {
        var problems = new List<string>();
        foreach (var (name, path) in images.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!IsValidName(name))
                problems.Add($"Images:{name}: '{name}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/') || path.Split('/').Contains(".."))
                problems.Add($"Images:{name}: '{path}' is not an absolute path such as /var/lib/discovery/images/{(IsValidName(name) ? name : "debian-12")}.qcow2");
        }
        return problems;
    }

    private string Offer() => HasAllowList ? "; name one of: " + string.Join(", ", Names) : "";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
