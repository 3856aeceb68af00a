using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Messaging;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>The containers, partition keys, queues, blob containers and topic infra/ provisions are those the code uses
/// (Containers, StorageNames, CosmosOptions, ServiceBusOptions, the trigger attributes), and the Cosmos indexing policy
/// indexes every path the code's queries filter or sort on.</summary>
public sealed partial class ProvisionedResourcesTests
{
    private static readonly JsonObject Main = Bicep.MainTemplate;

    internal static IEnumerable<string> NameProblems(string what, IEnumerable<string?> provisioned, IEnumerable<string> used)
    {
        var have = provisioned.Select(n => n ?? "(null)").ToHashSet(StringComparer.Ordinal);
        var want = used.ToHashSet(StringComparer.Ordinal);
        return want.Except(have).Order(StringComparer.Ordinal).Select(n => $"{what} '{n}': the code uses it, but infra/ does not provision it.")
            .Concat(have.Except(want).Order(StringComparer.Ordinal).Select(n => $"{what} '{n}': infra/ provisions it, but the code does not use it."));
    }

    private static string[] Strings(IEnumerable<JsonNode?> values) => values.Select(v => (string?)v ?? "(null)").ToArray();

    [Fact]
    public void The_cosmos_database_and_containers_are_those_of_the_code_each_partitioned_on_its_key_with_ttl_on()
    {
        var database = ArmTemplate.Single(Main, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        var containers = ArmTemplate.Single(Main, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");

        Assert.Equal(new CosmosOptions().Database, (string?)database.Values("properties.resource.id").Single());
        Expect.None(NameProblems("Cosmos container", Strings(containers.Values("properties.resource.id")), Containers.All));
        Assert.Equal([Containers.PartitionKeyPath], Strings(ArmTemplate.Resolve(containers.Deployment, containers["properties.resource.partitionKey.paths"])!.AsArray()
            .Select(p => ArmTemplate.Resolve(containers.Deployment, p))));
        Assert.Equal("Hash", (string?)containers["properties.resource.partitionKey.kind"]);
        Assert.Equal(-1, (int?)containers["properties.resource.defaultTtl"]);
    }

    [Fact]
    public void The_blob_containers_and_queues_are_those_of_the_code_beside_the_deployment_container()
    {
        var declarations = ArmTemplate.Resources(Main, "Microsoft.Storage/storageAccounts/blobServices/containers").ToArray();
        var deployment = declarations.Where(d => ((string?)d.Declaration["name"])?.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal) == true).ToArray();
        var blobContainers = declarations.Except(deployment).SelectMany(d => d.Values("name"));
        var queues = ArmTemplate.Resources(Main, "Microsoft.Storage/storageAccounts/queueServices/queues").SelectMany(d => d.Values("name"));

        Assert.Single(deployment);
        Expect.None(NameProblems("Blob container", Strings(blobContainers), StorageNames.BlobContainers));
        Expect.None(NameProblems("Queue", Strings(queues), StorageNames.Queues));
    }

    [Fact]
    public void The_triggers_listen_only_on_queues_and_containers_the_code_declares()
    {
        var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .SelectMany(f => f!["bindings"]!.AsArray()).Select(b => b!.AsObject()).ToArray();
        var queues = bindings.Where(b => (string?)b["type"] == "queueTrigger").Select(b => (string)b["queueName"]!);
        var containers = bindings.Where(b => (string?)b["type"] == "blobTrigger").Select(b => ((string)b["path"]!).Split('/')[0]);

        Assert.All(queues, q => Assert.Contains(q, StorageNames.Queues));
        Assert.All(containers, c => Assert.Contains(c, StorageNames.BlobContainers));
        Assert.All(bindings.Where(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.Ordinal) == true && b["connection"] is not null),
            b => Assert.Fail($"A trigger uses the connection '{b["connection"]}': infra/ provisions only AzureWebJobsStorage."));
    }

    [Fact]
    public void The_service_bus_topic_is_the_one_the_publisher_sends_to_with_duplicate_detection_and_a_subscription()
    {
        var topic = ArmTemplate.Single(Main, "Microsoft.ServiceBus/namespaces/topics");

        Assert.Equal(new ServiceBusOptions().Topic, (string?)topic.Values("name").Single());
        Assert.True((bool?)topic["properties.requiresDuplicateDetection"], "The topic must detect duplicates: the publisher sets MessageId to the event id.");
        Assert.Single(ArmTemplate.Resources(Main, "Microsoft.ServiceBus/namespaces/topics/subscriptions"));
    }

    [Fact]
    public void The_imports_container_raises_blob_events_and_the_hook_subscribes_the_event_grid_blob_trigger_to_them()
    {
        var topic = ArmTemplate.Single(Main, "Microsoft.EventGrid/systemTopics");
        var trigger = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .Select(f => (Name: (string)f!["name"]!, Binding: f["bindings"]!.AsArray().Select(b => b!.AsObject()).SingleOrDefault(b => (string?)b["type"] == "blobTrigger")))
            .Single(f => f.Binding is not null);
        var hook = File.ReadAllText(Bicep.PathOf("infra/hooks/postdeploy.sh"));

        Assert.Equal("Microsoft.Storage.StorageAccounts", (string?)topic["properties.topicType"]);
        Assert.Equal("EventGrid", (string?)trigger.Binding!["source"]);
        Assert.Contains($"\nfunction={trigger.Name}\n", hook, StringComparison.Ordinal);
        Assert.Contains($"\ncontainer={((string)trigger.Binding["path"]!).Split('/')[0]}\n", hook, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_runs_dotnet_10_isolated_on_flex_consumption_as_its_user_assigned_identity()
    {
        var plan = ArmTemplate.Single(Main, "Microsoft.Web/serverfarms");
        var app = ArmTemplate.Single(Main, "Microsoft.Web/sites");

        Assert.Equal("FC1", (string?)plan["sku.name"]);
        Assert.Equal("dotnet-isolated", (string?)app["properties.functionAppConfig.runtime.name"]);
        Assert.Equal("10.0", (string?)app["properties.functionAppConfig.runtime.version"]);
        Assert.Equal("UserAssigned", (string?)app["identity.type"]);
        Assert.Equal("UserAssignedIdentity", (string?)app["properties.functionAppConfig.deployment.storage.authentication.type"]);
        Assert.NotNull(app["properties.keyVaultReferenceIdentity"]);
    }

    [Fact]
    public void Every_role_assignment_is_named_after_its_scope_principal_and_role()
    {
        var assignments = ArmTemplate.Resources(Main, "Microsoft.Authorization/roleAssignments")
            .Concat(ArmTemplate.Resources(Main, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"))
            .ToArray();

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.True(IsGuidOfThree((string?)a.Declaration["name"]), $"Role assignment {a.Declaration["name"]} in {a.Deployment.Name} is not named guid(scope, principal, role)."));
    }

    [Fact]
    public void The_indexing_policy_indexes_every_path_the_code_queries_and_excludes_the_rest()
    {
        var policy = IndexingPolicy();
        var paths = QueriedPaths().ToArray();

        Assert.Contains("/index/searchText", paths); // the scan finds the query paths
        Expect.None(UnindexedPaths(policy, paths));
        Assert.Contains("/*", Paths(policy, "excludedPaths"));
    }

    [Fact]
    public void A_container_or_queue_missing_or_extra_and_an_unindexed_query_path_are_named()
    {
        var problems = NameProblems("Queue", ["notifications", "orders"], ["notifications", "invoices"]).ToArray();

        Assert.Contains("Queue 'invoices': the code uses it, but infra/ does not provision it.", problems);
        Assert.Contains("Queue 'orders': infra/ provisions it, but the code does not use it.", problems);
        Assert.False(IsGuidOfThree("[guid(resourceGroup().id, parameters('principalId'))]"));
        Assert.True(IsGuidOfThree("[guid(resourceId('Microsoft.Storage/storageAccounts', parameters('name')), parameters('principalId'), variables('role'))]"));
        Assert.Equal(["/data/orderStatus: the code queries it, but the indexing policy in infra/modules/cosmos.bicep does not index it."],
            UnindexedPaths(IndexingPolicy(), ["/data/status", "/index/brandKey", "/data/orderStatus"]));
    }

    private static JsonObject IndexingPolicy()
    {
        var containers = ArmTemplate.Single(Main, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        return ArmTemplate.Resolve(containers.Deployment, containers["properties.resource.indexingPolicy"])?.AsObject()
            ?? throw new InvalidOperationException("The Cosmos containers have no indexing policy.");
    }

    private static string[] Paths(JsonObject policy, string kind) => policy[kind]?.AsArray().Select(p => (string)p!["path"]!).ToArray() ?? [];

    /// <summary>Paths the query texts in Agora.Infrastructure/Cosmos name (<c>c.data.status</c> → <c>/data/status</c>), in the
    /// files that run queries. A patch's filter predicate (CosmosStockHolds) is evaluated on the one item it addresses, not
    /// through the index, so a file of patches alone names no path that must be indexed.</summary>
    private static IEnumerable<string> QueriedPaths() =>
        Directory.EnumerateFiles(Bicep.PathOf("functions/Agora.Infrastructure/Cosmos"), "*.cs")
            .Select(File.ReadAllText)
            .Where(text => text.Contains("QueryDefinition", StringComparison.Ordinal) || text.Contains("PageAsync", StringComparison.Ordinal))
            .SelectMany(text => QueryPath().Matches(text).Select(m => "/" + m.Groups["path"].Value.Replace('.', '/')))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    /// <summary>The paths whose most specific rule in the policy is not an included one (id is always indexed).</summary>
    internal static IReadOnlyList<string> UnindexedPaths(JsonObject policy, IEnumerable<string> paths)
    {
        var rules = Paths(policy, "includedPaths").Select(p => (Path: p, Included: true)).Concat(Paths(policy, "excludedPaths").Select(p => (Path: p, Included: false))).ToArray();
        return paths.Where(p => p != "/id").Where(p =>
        {
            var best = rules.Where(r => Covers(r.Path, p)).OrderByDescending(r => r.Path.Length).FirstOrDefault();
            return !best.Included;
        }).Select(p => $"{p}: the code queries it, but the indexing policy in infra/modules/cosmos.bicep does not index it.").ToArray();

        static bool Covers(string rule, string path) =>
            rule.EndsWith("/?", StringComparison.Ordinal) ? path == rule[..^2]
            : rule.EndsWith("/*", StringComparison.Ordinal) && (path + "/").StartsWith(rule[..^1], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bc\.(?<path>(?:pk|id|type|sortKey|data|index|ttl)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex QueryPath();

    /// <summary><c>[guid(a, b, c)]</c> with three arguments, counting only commas outside nested calls and strings.</summary>
    internal static bool IsGuidOfThree(string? name)
    {
        // A child resource's name is format('{0}/{1}', parent, guid(...)): the guid call is what counts.
        var start = name?.IndexOf("guid(", StringComparison.Ordinal) ?? -1;
        if (name is null || !name.StartsWith('[') || start < 0)
        {
            return false;
        }

        int depth = 0, arguments = 1;
        var quoted = false;
        foreach (var ch in name[(start + 5)..])
        {
            if (ch == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                depth += ch switch { '(' or '[' => 1, ')' or ']' => -1, _ => 0 };
                if (depth < 0)
                {
                    break; // the end of the guid call
                }

                arguments += ch == ',' && depth == 0 ? 1 : 0;
            }
        }

        return arguments == 3;
    }
}
