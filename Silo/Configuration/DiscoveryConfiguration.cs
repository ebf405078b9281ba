using Microsoft.Extensions.Options;

namespace Discovery.Silo.Configuration;

/// <summary>
/// The silo's configuration as options: <see cref="DiscoveryOptions"/> bound from section
/// <c>Discovery</c> and checked by its validators, once before the host is built (Program refuses
/// to start with exit code 2) and again by <c>ValidateOnStart</c>. <see cref="Load"/> and the host
/// use the same registrations, so both report the same problems.
/// </summary>
public static class DiscoveryConfiguration
{
    /// <summary>Registers <see cref="IOptions{DiscoveryOptions}"/>, its validators and the check at start.</summary>
    public static OptionsBuilder<DiscoveryOptions> AddDiscoveryOptions(this IServiceCollection services, IConfiguration configuration)
    {
        var values = new ConfigurationValuesValidator<DiscoveryOptions>(configuration.GetSection(DiscoveryOptions.Section));
        services.AddSingleton<IValidateOptions<DiscoveryOptions>>(values);
        services.AddSingleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>();
        // Bind what parses: a bad value keeps its default here and is reported by its validator.
        return services.AddOptions<DiscoveryOptions>().Bind(values.UsableValues()).ValidateOnStart();
    }

    /// <summary>
    /// The bound options and every problem, one per bad key, each naming the full key; the options
    /// are returned even when there are problems (bad keys keep their defaults).
    /// </summary>
    public static DiscoveryOptions Load(IConfiguration configuration, out List<string> problems)
    {
        var services = new ServiceCollection();
        services.AddDiscoveryOptions(configuration);
        using var provider = services.BuildServiceProvider();
        // As OptionsFactory does, but keeping the instance when validation fails.
        var options = new DiscoveryOptions();
        foreach (var configure in provider.GetServices<IConfigureOptions<DiscoveryOptions>>()) configure.Configure(options);
        problems = provider.GetServices<IValidateOptions<DiscoveryOptions>>()
            .Select(v => v.Validate(Options.DefaultName, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])
            .ToList();
        return options;
    }
}
