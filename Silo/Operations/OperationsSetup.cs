using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Discovery.Language;
using System.Text.Json.Serialization;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Scheduling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;

namespace Discovery.Silo.Operations;

/// <summary>
/// The silo's HTTP surface for operators and integrators: the operator page at <c>/</c>, the JSON API under
/// <c>/api</c> (described at <c>/openapi/v1.json</c>), Prometheus metrics at <c>/metrics</c> and <c>/healthz</c>.
/// VE and node operations go through the client library over this silo's own cluster client, so they validate
/// and fail exactly as the library does; node listings, partitions and the overview come from <see cref="ClusterOverview"/>.
/// </summary>
public static partial class OperationsSetup
{
    /// <summary>Meters exported at <c>/metrics</c>: Discovery's own and Orleans'.</summary>
    public static readonly string[] Meters = ["Discovery.*", "Microsoft.Orleans"];

    public static IServiceCollection AddOperations(this IServiceCollection services, Security.SecurityOptions security)
    {
        services.AddApiSecurity(security);
        services.AddSingleton<ClusterOverview>();
        services.AddSingleton<SiloHealth>();
        services.AddSingleton<SimulationMetrics>();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Discovery silo API";
            document.Info.Description = "VEs, nodes, partitions in progress and events of a Discovery cluster, through any of its silos. " +
                                        "Errors are RFC 7807 problem details; bad input lists every problem in 'problems'.";
            // The Orleans dashboard's own endpoints are not part of Discovery's API.
            foreach (var path in document.Paths.Keys.Where(p => p.StartsWith("/dashboard", StringComparison.Ordinal)).ToList()) document.Paths.Remove(path);
            return Task.CompletedTask;
        }));
        services.AddProblemDetails();
        services.AddExceptionHandler<UnexpectedErrors>();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            foreach (var meter in Meters) metrics.AddMeter(meter);
            metrics.AddPrometheusExporter();
        });
        return services;
    }

    public static void MapOperations(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<SimulationMetrics>(); // its gauges exist from the start
        app.UseExceptionHandler();
        app.UseStatusCodePages(); // an error the framework answers (unknown route, wrong method) is problem details too
        app.MapOperatorPage();
        app.MapOpenApi(); // /openapi/v1.json
        app.MapPrometheusScrapingEndpoint().RequireAuthorization(ApiSecurity.Read); // /metrics
        app.MapGet("/healthz", async Task<IResult> (SiloHealth health, HttpContext http, IAuthorizationService authorization, CancellationToken ct) =>
        {
            var report = await health.CheckAsync(ct);
            // Load balancers ask without a token and get the status; the details (membership, hypervisors) are for operators and readers.
            object body = (await authorization.AuthorizeAsync(http.User, ApiSecurity.Read)).Succeeded ? report : new { report.Status };
            return report.Status == "unhealthy" ? Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Json(body);
        }).WithSummary("Whether this silo is an active cluster member and its hypervisors answered monitoring, from monitoring's last readings " +
                        "(their oldest age in oldestReadingSeconds; no hypervisor is asked): 503 with the reasons when not; the details for operators and readers.")
          .Produces<HealthJson>().Produces<HealthJson>(StatusCodes.Status503ServiceUnavailable);

        var api = app.MapGroup("/api").RequireAuthorization(ApiSecurity.Any);
        api.AddEndpointFilter(async (context, next) =>
        {
            try { return await next(context); }
            catch (DiscoveryException e) { return ApiProblems.From(e); }
        });
        MapOverview(api);
        MapNodes(api);
        MapVes(api);
        ImageEndpoints.MapImages(api, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.DiscoveryOptions>>().Value.Images);
        MapEvents(api);
    }

    private static void MapOverview(RouteGroupBuilder api)
    {
        api.MapGet("/overview", (ClusterOverview overview, CancellationToken ct) => overview.GetAsync(ct)).RequireAuthorization(ApiSecurity.Read)
            .WithTags("page").WithSummary("What the operator page draws: every node column by column, partitions in progress, VEs, recent events, counters.");
        api.MapGet("/partitions", async (ClusterOverview overview, CancellationToken ct) => ClusterOverview.Partitions(await overview.CellsAsync(ct))).RequireAuthorization(ApiSecurity.Read)
            .WithTags("scheduling").WithSummary("DVMS partitions in progress: id, the node whose event started it, the nodes it holds.");
    }

    private static void MapNodes(RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("nodes").RequireAuthorization(ApiSecurity.Read);
        nodes.MapGet("/", async (ClusterOverview overview, CancellationToken ct) => (await overview.CellsAsync(ct)).Select(NodeJson.From).ToList())
            .WithSummary("Every node of the cluster, on every silo, in name order, as last monitored.");
        nodes.MapGet("/{node}", async Task<IResult> (string node, DiscoveryClient client, CancellationToken ct) =>
                !await client.IsKnownNodeAsync(node, ct) ? ApiProblems.UnknownNode(node) : Results.Json(NodeDetailJson.From(await client.GetNodeStatusAsync(node, ct))))
            .WithSummary("One node: capacity, demand, VMs, reservation, pending event.")
            .Produces<NodeDetailJson>().ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapPost("/{node}/drain", (string node, DiscoveryClient client, CancellationToken ct) =>
                Maintenance(node, true, client, ct)).RequireAuthorization(ApiSecurity.Operate)
            .WithSummary("Asks for maintenance: the node's VMs are moved away by DVMS, then it takes no VM until undrained.")
            .Produces<NodeDetailJson>().ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapPost("/{node}/undrain", (string node, DiscoveryClient client, CancellationToken ct) =>
                Maintenance(node, false, client, ct)).RequireAuthorization(ApiSecurity.Operate)
            .WithSummary("Ends maintenance: the node takes VMs again.")
            .Produces<NodeDetailJson>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Maintenance(string node, bool drain, DiscoveryClient client, CancellationToken ct)
    {
        if (!await client.IsKnownNodeAsync(node, ct)) return ApiProblems.UnknownNode(node);
        if (drain) await client.DrainAsync(node, ct);
        else await client.CancelDrainAsync(node, ct);
        return Results.Json(NodeDetailJson.From(await client.GetNodeStatusAsync(node, ct)));
    }

    private static void MapVes(RouteGroupBuilder api)
    {
        var ves = api.MapGroup("/ves").WithTags("ves");
        ves.MapGet("/", async Task<IResult> (string? tenant, DiscoveryClient client, CancellationToken ct) =>
                tenant is not null && !VeId.IsValidName(tenant)
                    ? ApiProblems.Invalid("tenant", BadName(tenant))
                    : Results.Json((await client.ListVesAsync(tenant, ct)).Select(v => new VeSummaryJson(v.Ve, v.State.ToString())).ToList()))
            .WithSummary("Every VE with its state, in key order; ?tenant= for one tenant's.")
            .Produces<List<VeSummaryJson>>().ProducesProblem(StatusCodes.Status400BadRequest);

        ves.MapPost("/{tenant}/{name}", Submit)
            .WithSummary("Submits a VE: a JSON VeSubmission (text in the VE language, or vms and constraints), or the VE text itself as text/plain.")
            .WithDescription("Validated as the client library does: every problem is listed (field, or file:line:column) and nothing is stored. " +
                             "201 with the VE Running, or Pending with the reason; 409 when the VE exists.")
            // Described by a transformer rather than Accepts(): Accepts would let routing refuse other media types with an
            // empty 415, where the handler's answer says what is accepted.
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A VeSubmission as JSON, or the VE text in the VE language as text/plain.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(VeSubmission), null, ct) },
                        ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                };
            })
            .Produces<VeJson>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

        ves.MapGet("/{tenant}/{name}", (string tenant, string name, DiscoveryClient client, CancellationToken ct) =>
                Operate(tenant, name, ve => client.GetVeAsync(ve, ct)))
            .WithSummary("One VE: state, reason, VMs with state and node, constraints, last transitions.")
            .Produces<VeJson>().ProducesProblem(StatusCodes.Status404NotFound);
        foreach (var (operation, summary, act) in Operations)
            ves.MapPost($"/{{tenant}}/{{name}}/{operation}", (string tenant, string name, DiscoveryClient client, CancellationToken ct) =>
                    Operate(tenant, name, ve => act(client, ve, ct)))
                .WithName(operation).WithSummary(summary + " Repeating one that already holds does nothing.")
                .Produces<VeJson>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        ves.MapDelete("/{tenant}/{name}", (string tenant, string name, DiscoveryClient client, CancellationToken ct) =>
                Operate(tenant, name, ve => client.DeleteAsync(ve, ct)))
            .WithSummary("Destroys and forgets every VM of the VE and its constraints.")
            .Produces<VeJson>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static readonly (string Operation, string Summary, Func<DiscoveryClient, string, CancellationToken, Task<VeView>> Act)[] Operations =
    [
        ("start", "Starts a stopped or failed VE.", (c, ve, ct) => c.StartAsync(ve, ct)),
        ("stop", "Stops every VM of the VE (they keep their definition).", (c, ve, ct) => c.StopAsync(ve, ct)),
        ("suspend", "Pauses every VM of a running VE (memory kept).", (c, ve, ct) => c.SuspendAsync(ve, ct)),
        ("resume", "Resumes a suspended VE.", (c, ve, ct) => c.ResumeAsync(ve, ct)),
    ];

    private static async Task<IResult> Operate(string tenant, string name, Func<string, Task<VeView>> act) =>
        Names(tenant, name) is { } invalid ? invalid : Results.Json(VeJson.From(await act(VeId.Of(tenant, name))));

    private static IResult? Names(string tenant, string name)
    {
        var problems = new List<ApiProblems.Problem>();
        if (!VeId.IsValidName(tenant)) problems.Add(new("tenant", null, null, BadName(tenant)));
        if (!VeId.IsValidName(name)) problems.Add(new("name", null, null, BadName(name)));
        return problems.Count > 0 ? ApiProblems.Invalid(problems) : null;
    }

    private static string BadName(string value) =>
        $"'{value}' is not a valid name: lowercase letters, digits and '-', 1 to 63 characters, starting with a letter or digit";

    // A misspelt field is a problem, not silently dropped (a VE stored without the constraints its author meant).
    // MaxDepth: a VeSubmission nests 5 deep; deeper JSON is refused as it is read, not after.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = LanguageLimits.Default.MaxJsonDepth,
    };

    private static async Task<IResult> Submit(string tenant, string name, HttpRequest request, DiscoveryClient client, CancellationToken ct)
    {
        if (Names(tenant, name) is { } invalid) return invalid;
        var ve = VeId.Of(tenant, name);
        var type = request.ContentType ?? "";
        VeView view;
        if (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            // Read no further than the limit: a larger text is refused whatever its length.
            if (await VeSubmissions.ReadTextAsync(request.Body, LanguageLimits.Default.MaxTextBytes, ct) is not { } text)
                return ApiProblems.TooLarge("body", VeSubmissions.TextTooLarge(LanguageLimits.Default.MaxTextBytes));
            if (string.IsNullOrWhiteSpace(text)) return ApiProblems.Invalid("body", "empty: the VE text in the VE language");
            view = await client.SubmitAsync(ve, text, name, ct);
        }
        else if (type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            VeSubmission? submission;
            try
            {
                submission = await JsonSerializer.DeserializeAsync<VeSubmission>(request.Body, Json, ct);
            }
            catch (JsonException e)
            {
                return ApiProblems.Invalid([new ApiProblems.Problem("body", (int?)(e.LineNumber + 1), (int?)(e.BytePositionInLine + 1), JsonProblem(e))]);
            }
            if (submission is null) return ApiProblems.Invalid("body", "null: a VeSubmission");
            if (submission.Text is not null && (submission.Vms is not null || submission.Constraints is not null))
                return ApiProblems.Invalid("text", "give either 'text' or 'vms' and 'constraints', not both");
            if (submission.Text is { } t && string.IsNullOrWhiteSpace(t)) return ApiProblems.Invalid("text", "empty: the VE text in the VE language");
            if (submission.Text is { } large && System.Text.Encoding.UTF8.GetByteCount(large) > LanguageLimits.Default.MaxTextBytes)
                return ApiProblems.TooLarge("text", VeSubmissions.TextTooLarge(LanguageLimits.Default.MaxTextBytes));
            view = submission.Text is not null
                ? await client.SubmitAsync(ve, submission.Text, submission.File ?? name, ct)
                : await VeSubmissions.SubmitAsync(client, ve, submission, ct);
        }
        else
        {
            return Results.Problem($"Content-Type '{type}' is not accepted: send application/json (a VeSubmission) or text/plain (the VE text)",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
        return Results.Created($"/api/ves/{tenant}/{name}", VeJson.From(view));
    }

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.');

    private static string JsonProblem(JsonException e)
    {
        if (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"{e.Path ?? "$"}: nested more than {LanguageLimits.Default.MaxJsonDepth} levels deep, more than a VeSubmission has";
        if (UnmappedProperty().Match(e.Message) is { Success: true } unmapped)
            return $"{(e.Path is { Length: > 1 } at ? at : "$." + unmapped.Groups[1].Value)}: unknown field (see VeSubmission in /openapi/v1.json)";
        return e.Path is { Length: > 1 } p ? $"{p}: not a value of the expected type (see VeSubmission in /openapi/v1.json)" : $"not JSON: {FirstSentence(e.Message)}";
    }

    [System.Text.RegularExpressions.GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial System.Text.RegularExpressions.Regex UnmappedProperty();

    private static void MapEvents(RouteGroupBuilder api)
    {
        api.MapGet("/events", async Task<IResult> (DiscoveryClient client, CancellationToken ct) =>
            {
                // Subscribed before the stream starts: a refusal (too many watchers) is a 503, not a broken stream.
                var items = client.WatchAllAsync(announceSubscription: true, ct).GetAsyncEnumerator(ct);
                try
                {
                    if (!await items.MoveNextAsync()) return Results.Empty;
                }
                catch
                {
                    await items.DisposeAsync();
                    throw;
                }
                return TypedResults.ServerSentEvents(Stream(items, ct));
            })
            .WithTags("events")
            .WithSummary("Server-sent events from now on, each as JSON: first 'subscribed' once nothing published later can be missed, then " +
                         "'ve' (a VE or VM transition), 'partition' (a DVMS partition that ended) and 'lagged' ({\"dropped\": n}: this client fell " +
                         "behind and the n oldest events were dropped there). 503 when the cluster has as many watchers as it allows.");
    }

    private static async IAsyncEnumerable<SseItem<object>> Stream(IAsyncEnumerator<object> items, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var _ = items;
        do
        {
            var item = items.Current;
            yield return item switch
            {
                WatchSubscribed s => new SseItem<object>(s, "subscribed"),
                WatchLagged l => new SseItem<object>(l, "lagged"),
                VeTransition t => new SseItem<object>(TransitionJson.Of(t), "ve"),
                PartitionNotice n => new SseItem<object>(PartitionEndedJson.From(n), "partition"),
                Security.AuditEntry a => new SseItem<object>(a, "audit"),
                _ => new SseItem<object>(item.ToString() ?? "", "other"),
            };
        }
        while (await items.MoveNextAsync());
    }
}
