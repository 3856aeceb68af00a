using Agora.Core.Marketing;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Sales-manager tasks: call or write reminders raised by the signals (inactive customer, abandoned cart, overdue
/// installment, quote about to expire), done or snoozed with a note that joins the customer's timeline; and the morning
/// digest. The digest's schedule is the app setting <c>ManagerDigestSchedule</c> (six-field cron, UTC); an operator runs it
/// now with the host's admin endpoint (<c>POST /admin/functions/SendManagerDigest</c>, master key).</summary>
public sealed class SalesTaskFunctions(SalesTasks tasks, ManagerDigest digest)
{
    [Function(nameof(ListSalesTasks))]
    [ApiOperation("Sales tasks", "List sales tasks, soonest first", Description = "Sales managers and supplier admins. By default your own tasks that are not done (a supplier admin's " +
        "include the admins' pool: tasks of accounts without a sales manager), in the order they need attention (due time, or the end of a snooze).",
        Response = typeof(SalesTaskPage), Query = ["assignee: a user id, or 'admins' for the pool (supplier admins only, but for yourself)", "status: open (a snooze that ended is open), snoozed or done",
            "dueBefore: only those needing attention before this time (ISO 8601 with offset)", "buyerId: one customer's", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> ListSalesTasks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/tasks")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await tasks.ListAsync(req.Caller(), orgId, req.Query("assignee"), req.QueryEnum<SalesTaskStatus>("status"), req.QueryTime("dueBefore"), req.Query("buyerId"),
            req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetSalesTask))]
    [ApiOperation("Sales tasks", "Read a sales task with its notes", Description = "A sales manager reads the tasks assigned to them, a supplier admin any.", Response = typeof(SalesTask), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> GetSalesTask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/tasks/{taskId}")] HttpRequest req, string orgId, string taskId, CancellationToken cancellationToken) =>
        Api.Ok(req, await tasks.GetAsync(req.Caller(), orgId, taskId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(CompleteSalesTask))]
    [ApiOperation("Sales tasks", "Mark a sales task done", Description = "note: what came of it, 1 to 4,000 characters (required: it joins the customer's timeline, seen by the supplier's " +
        "staff only). If-Match is optional (412 when stale). A task done already answers 409.", Request = typeof(CompleteTaskInput), Response = typeof(SalesTask), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> CompleteSalesTask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/tasks/{taskId}/completion")] HttpRequest req, string orgId, string taskId, CancellationToken cancellationToken) =>
        Api.Ok(req, await tasks.CompleteAsync(req.Caller(), orgId, taskId, await req.ReadJsonAsync<CompleteTaskInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken)
            .ConfigureAwait(false));

    [Function(nameof(SnoozeSalesTask))]
    [ApiOperation("Sales tasks", "Put a sales task off", Description = "until: a later time within 90 days (ISO 8601 with offset), when it is open again and in that morning's digest; " +
        "note: optional, at most 4,000 characters, joins the customer's timeline. If-Match is optional (412 when stale).", Request = typeof(SnoozeTaskInput), Response = typeof(SalesTask), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> SnoozeSalesTask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/tasks/{taskId}/snooze")] HttpRequest req, string orgId, string taskId, CancellationToken cancellationToken) =>
        Api.Ok(req, await tasks.SnoozeAsync(req.Caller(), orgId, taskId, await req.ReadJsonAsync<SnoozeTaskInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken)
            .ConfigureAwait(false));

    /// <summary>Daily: quotes near their expiry become tasks, then every assignee with tasks for the day gets one email.</summary>
    [Function(nameof(SendManagerDigest))]
    public Task SendManagerDigest([TimerTrigger("%ManagerDigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        digest.RunAsync(cancellationToken);

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record SalesTaskPage(IReadOnlyList<SalesTask> Items, string? Next);
}
