using System.Text.Json.Nodes;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>The alerts infra/modules/alerts.bicep provisions watch what the code records: the poison gauge by its name and
/// queue tag, the readiness function's route, and the Cosmos account's throttled requests; and they email someone only
/// when an address is given.</summary>
public sealed class AlertTests
{
    private static readonly JsonObject Main = Bicep.MainTemplate;

    private static ArmDeployment Alerts => ArmTemplate.Deployments(Main).Single(d => d.Name == "alerts");

    private static string Variable(string name) => (string?)Alerts.Template["variables"]?[name] ?? throw new InvalidOperationException($"alerts.bicep has no variable '{name}'.");

    [Fact]
    public void The_poison_alert_queries_the_gauge_the_worker_exports_by_its_queue_tag()
    {
        var rules = ArmTemplate.Resources(Main, "Microsoft.Insights/scheduledQueryRules").ToArray();
        var poison = rules.Single(r => ((string?)r["properties.criteria.allOf"]?[0]?["query"])?.Contains("variables('poisonMetric')", StringComparison.Ordinal) == true);

        Assert.Equal(PoisonQueueMetrics.PoisonMessagesMetric, Variable("poisonMetric"));
        Assert.Equal(PoisonQueueMetrics.QueueTag, Variable("poisonQueueTag"));
        Assert.Contains("variables('poisonQueueTag')", (string?)poison["properties.criteria.allOf"]![0]!["query"], StringComparison.Ordinal);
        Assert.Equal("GreaterThan", (string?)poison["properties.criteria.allOf"]![0]!["operator"]);
        Assert.Equal(0, (int?)poison["properties.criteria.allOf"]![0]!["threshold"]);
        Assert.Equal(2, rules.Length); // poison messages and the server-error rate
    }

    [Fact]
    public void The_readiness_test_calls_the_readiness_function_and_the_throttling_alert_counts_cosmos_429s()
    {
        var test = ArmTemplate.Single(Main, "Microsoft.Insights/webtests");
        var metricAlerts = ArmTemplate.Resources(Main, "Microsoft.Insights/metricAlerts").ToArray();
        var health = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .Single(f => (string?)f!["name"] == "GetHealth")!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;

        Assert.Equal($"/api/{(string?)health["route"]}", Variable("readinessPath"));
        Assert.Contains("variables('readinessPath')", (string?)test["properties.Request.RequestUrl"], StringComparison.Ordinal);
        Assert.Equal(200, (int?)test["properties.ValidationRules.ExpectedHttpStatusCode"]);
        var readiness = metricAlerts.Single(a => (string?)a["properties.criteria"]?["odata.type"] == "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria");
        Assert.NotNull(readiness["properties.criteria.webTestId"]);

        var throttling = metricAlerts.Single(a => (string?)a["properties.criteria"]?["odata.type"] == "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
        var criterion = throttling["properties.criteria.allOf"]![0]!;
        Assert.Equal("Microsoft.DocumentDB/databaseAccounts", (string?)criterion["metricNamespace"]);
        Assert.Equal("TotalRequests", (string?)criterion["metricName"]);
        var status = Assert.Single(criterion["dimensions"]!.AsArray())!;
        Assert.Equal("StatusCode", (string?)status["name"]);
        Assert.Equal(["429"], status["values"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void The_action_group_exists_only_with_an_alert_email_which_defaults_to_none()
    {
        var group = ArmTemplate.Single(Main, "Microsoft.Insights/actionGroups");

        Assert.Contains("parameters('alertEmail')", (string?)group.Declaration["condition"], StringComparison.Ordinal);
        Assert.Equal(string.Empty, (string?)Main["parameters"]?["alertEmail"]?["defaultValue"]);
        // Every alert names the group only when it exists.
        Assert.All(new[] { "logAlertActions", "metricAlertActions" }, name => Assert.StartsWith("[if(empty(parameters('alertEmail')), createArray()", Variable(name), StringComparison.Ordinal));
    }
}
