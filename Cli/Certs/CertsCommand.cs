using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;

namespace Discovery.Cli.Certs;

/// <summary><c>discovery certs ca</c> and <c>discovery certs issue</c>: the cluster's private CA and its certificates.</summary>
public static partial class CertsCommand
{
    public static Command Build()
    {
        var command = new Command("certs", """
            Makes the certificates of the cluster's mutual TLS (README: Transport security). First a private CA, once per
            cluster: 'certs ca --out DIR'. Then one certificate per silo and per client, signed by it: 'certs issue --ca DIR
            --name NAME [--dns HOST]... [--ip ADDRESS]... --out DIR'. Each is NAME.pem with its key NAME.key (mode 0600).
            A silo reads Discovery:Tls:CertificateFile=NAME.pem, Discovery:Tls:KeyFile=NAME.key and Discovery:Tls:CaFile=ca.pem;
            a client --tls-cert, --tls-key and --tls-ca. Silos and clients refuse any peer whose certificate this CA did not sign.
            Keep ca.key offline: whoever holds it can join the cluster.
            """);
        command.Subcommands.Add(Authority());
        command.Subcommands.Add(Issue());
        return command;
    }

    private static Command Authority()
    {
        var output = new Option<string>("--out") { Description = "Directory to write ca.pem and ca.key in (created if missing; existing files are never overwritten).", Required = true };
        var subject = new Option<string>("--subject") { Description = "The CA's common name.", DefaultValueFactory = _ => "Discovery cluster CA" };
        var days = Days(3650);
        var command = new Command("ca", "Makes the cluster's private CA (ECDSA P-256): ca.pem, the certificate every silo and client trusts, and ca.key, which signs their certificates.")
            { output, subject, days };
        command.SetAction(parse => Run(() =>
        {
            var (certificate, key) = CertificateAuthority.WriteAuthority(parse.GetValue(output)!, parse.GetValue(subject)!, DateTimeOffset.UtcNow, TimeSpan.FromDays(parse.GetValue(days)));
            Console.WriteLine($"CA certificate: {certificate}");
            Console.WriteLine($"CA key (keep it offline): {key}");
        }));
        return command;
    }

    private static Command Issue()
    {
        var ca = new Option<string>("--ca") { Description = "Directory of the CA (ca.pem and ca.key, from 'certs ca').", Required = true };
        var name = new Option<string>("--name") { Description = "Name of the silo or client (e.g. silo-rennes): the certificate's subject and its file names.", Required = true };
        name.Validators.Add(r => { if (r.GetValueOrDefault<string>() is { } n && !FileName().IsMatch(n)) r.AddError($"--name must be letters, digits, '.', '_' or '-', got '{n}'"); });
        var dns = new Option<string[]>("--dns") { Description = "A DNS name the silo is reached by (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var ip = new Option<string[]>("--ip") { Description = "An IP address the silo is reached by, e.g. its Discovery:AdvertisedAddress (repeat for several)." };
        ip.Validators.Add(r => { foreach (var a in r.GetValueOrDefault<string[]>() ?? []) if (!IPAddress.TryParse(a, out _)) r.AddError($"--ip must be an IP address, got '{a}'"); });
        var output = new Option<string>("--out") { Description = "Directory to write NAME.pem and NAME.key in (default: the CA's directory).", };
        var days = Days(825);
        var command = new Command("issue", "Issues a certificate for a silo or a client (server and client authentication), signed by the CA: NAME.pem and NAME.key.")
            { ca, name, dns, ip, output, days };
        command.SetAction(parse => Run(() =>
        {
            var caDirectory = parse.GetValue(ca)!;
            var (certificate, key) = CertificateAuthority.WriteIssued(caDirectory, parse.GetValue(name)!, parse.GetValue(dns) ?? [],
                (parse.GetValue(ip) ?? []).Select(IPAddress.Parse), parse.GetValue(output) ?? caDirectory, DateTimeOffset.UtcNow, TimeSpan.FromDays(parse.GetValue(days)));
            Console.WriteLine($"Certificate: {certificate}");
            Console.WriteLine($"Key: {key}");
        }));
        return command;
    }

    private static Option<int> Days(int fallback)
    {
        var days = new Option<int>("--days") { Description = "Days the certificate is valid.", DefaultValueFactory = _ => fallback };
        days.Validators.Add(r => { if (r.GetValueOrDefault<int>() is var v && v < 1) r.AddError($"--days must be at least 1, got {v}"); });
        return days;
    }

    /// <summary>Runs a file-writing action; a file problem is one line on stderr and exit code 1.</summary>
    private static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Console.Error.WriteLine($"discovery certs: {e.Message}");
            return ClusterConnection.Invalid;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex FileName();
}
