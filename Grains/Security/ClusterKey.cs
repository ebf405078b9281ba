using System.Security.Cryptography;
using System.Text;

namespace Discovery.Security;

/// <summary>
/// The secret a cluster's silos share (base64 in a file readable by its owner only): it signs the tokens the cluster
/// issues itself and derives the mark silos put on their internal calls.
/// </summary>
public static class ClusterKey
{
    /// <summary>Bytes of a new key (HMAC-SHA256).</summary>
    public const int Length = 32;

    /// <summary>A new random key.</summary>
    public static byte[] Create() => RandomNumberGenerator.GetBytes(Length);

    /// <summary>The key in <paramref name="path"/>; throws naming the file and what is wrong with it.</summary>
    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no cluster key at '{path}'", path);
        var text = File.ReadAllText(path).Trim();
        byte[] key;
        try { key = Convert.FromBase64String(text); }
        catch (FormatException) { throw new InvalidDataException($"'{path}' is not a cluster key: base64 of {Length} random bytes expected (make one with `discovery token key --out {path}`)"); }
        if (key.Length < Length) throw new InvalidDataException($"'{path}' holds {key.Length} bytes; a cluster key has at least {Length} (make one with `discovery token key --out {path}`)");
        return key;
    }

    /// <summary>The key in <paramref name="path"/>, made there first when the file does not exist (the embedded default's first start).</summary>
    public static byte[] ReadOrCreate(string path)
    {
        if (File.Exists(path)) return Read(path);
        DiscoveryHome.WritePrivate(path, Convert.ToBase64String(Create()) + "\n", overwrite: false);
        return Read(path); // two silos starting at once: both read the file that won
    }

    /// <summary>The mark internal calls carry: derived from the key, so a client without the key cannot make it.</summary>
    public static string InternalMark(byte[] key) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("discovery/internal-calls/v1")));
}
