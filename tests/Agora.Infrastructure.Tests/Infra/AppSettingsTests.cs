using System.Text.Json.Nodes;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>The app settings the Bicep template gives the Function App, the settings the code reads, and
/// local.settings.sample.json agree: none missing, none unused (issue 5).</summary>
public sealed class AppSettingsTests
{
    /// <summary>The Function App's app settings in the compiled template: names and (unevaluated) values.</summary>
    internal static JsonObject AzureSettings(JsonObject main) =>
        ArmTemplate.Resources(main, "Microsoft.Web/sites/config")
            .Where(r => ((string?)r.Declaration["name"] ?? string.Empty).Contains("appsettings", StringComparison.Ordinal))
            .Select(r => r["properties"] as JsonObject)
            .SingleOrDefault() ?? throw new InvalidOperationException("infra/ gives the Function App no appsettings (a Microsoft.Web/sites/config resource named appsettings with literal setting names).");

    internal static HashSet<string> SampleSettings()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Bicep.PathOf("local.settings.sample.json")))?["Values"]?.AsObject()
            ?? throw new InvalidDataException("local.settings.sample.json has no Values.");
        return sample.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> Names(JsonObject settings) => settings.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_code_reads_its_settings_where_the_tests_look_for_them()
    {
        // Guards the recording itself: if it found nothing, the comparisons below would prove nothing.
        var read = SettingsContract.ReadByCode();

        Assert.Contains("CosmosDb__Endpoint", read);
        Assert.Contains("AzureWebJobsStorage__accountName", read);
        Assert.Contains("InvitationExpirySchedule", read);
        Assert.Contains("ServiceBus__Topic", read);
    }

    [Fact]
    public void The_function_app_is_given_every_setting_the_code_reads_in_Azure_and_no_other()
    {
        var problems = SettingsContract.AzureProblems(SettingsContract.ReadByCode(), Names(AzureSettings(Bicep.MainTemplate)));

        Expect.None(problems);
    }

    [Fact]
    public void The_sample_local_settings_set_every_setting_the_code_reads_locally_and_no_other()
    {
        var problems = SettingsContract.LocalProblems(SettingsContract.ReadByCode(), SampleSettings());

        Expect.None(problems);
    }

    [Fact]
    public void Every_setting_the_lists_place_in_one_environment_is_one_the_code_reads()
    {
        Expect.None(SettingsContract.StaleEntries(SettingsContract.ReadByCode()));
    }

    [Fact]
    public void The_sample_sets_only_local_runtime_settings_the_local_runtime_reads()
    {
        var source = string.Join('\n', Directory.EnumerateFiles(Bicep.PathOf("functions/Agora.LocalHost"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var unread = SampleSettings()
            .Where(n => n.StartsWith(SettingsContract.LocalRuntimePrefix, StringComparison.Ordinal))
            .Where(n => !source.Contains(n, StringComparison.Ordinal) && !source.Contains(n.Replace("__", ":", StringComparison.Ordinal), StringComparison.Ordinal))
            .Select(n => $"{n}: local.settings.sample.json sets it, but functions/Agora.LocalHost never names it.");

        Expect.None(unread);
    }

    [Fact]
    public void A_setting_the_template_lacks_one_it_sets_in_vain_and_a_local_only_one_are_each_named()
    {
        var azure = Names(AzureSettings(Bicep.MainTemplate));
        azure.Remove("CosmosDb__Endpoint");
        azure.Add("CosmosDb__Key");
        azure.Add("Orders__Unused");

        var problems = string.Join('\n', SettingsContract.AzureProblems(SettingsContract.ReadByCode(), azure));

        Assert.Contains("CosmosDb__Endpoint: the code reads it, but the Function App", problems, StringComparison.Ordinal);
        Assert.Contains("CosmosDb__Key: local-only", problems, StringComparison.Ordinal);
        Assert.Contains("Orders__Unused: the Function App (infra/modules/functionapp.bicep) sets it, but the code does not read it", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_new_in_the_code_is_missing_from_both_environments_until_they_set_it()
    {
        var read = SettingsContract.ReadByCode().Append("Orders__MaxLines").ToHashSet(StringComparer.Ordinal);
        var local = SampleSettings();
        local.Add("ServiceBus__FullyQualifiedNamespace");

        var azureProblems = string.Join('\n', SettingsContract.AzureProblems(read, Names(AzureSettings(Bicep.MainTemplate))));
        var localProblems = string.Join('\n', SettingsContract.LocalProblems(read, local));

        Assert.Contains("Orders__MaxLines: the code reads it, but the Function App", azureProblems, StringComparison.Ordinal);
        Assert.Contains("Orders__MaxLines: the code reads it, but local.settings.sample.json does not set it", localProblems, StringComparison.Ordinal);
        Assert.Contains("ServiceBus__FullyQualifiedNamespace: Azure-only", localProblems, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listed_setting_the_code_stopped_reading_is_named()
    {
        var read = SettingsContract.ReadByCode().Where(n => n != "CosmosDb__Key").ToHashSet(StringComparer.Ordinal);

        Assert.Contains("CosmosDb__Key: in SettingsContract.LocalOnly, but the code does not read it.", SettingsContract.StaleEntries(read));
    }
}
