// The alerts the runbook explains (docs/operations.md, "Metrics and alerts"; decision 0022d): poison messages, server
// errors, readiness and Cosmos DB throttling. Log alerts query Application Insights (the worker's metrics and the host's
// requests); readiness is a standard availability test of GET /api/health; throttling is the Cosmos account's own
// platform metric, which counts every 429 whatever the SDK retried. With an email, each alert notifies the action group;
// without one, the alerts still fire and show in the portal (Monitor > Alerts), with nobody notified.

param location string
param tags object
param namePrefix string
param applicationInsightsName string
param cosmosAccountName string

@description('Host name of the Function App, whose readiness endpoint the availability test calls.')
param functionAppHostName string

@description('Where the alerts are sent; empty: no action group, the alerts show in the portal only.')
param alertEmail string = ''

@description('Percent of the API\'s requests answered 5xx, over 15 minutes, above which the server-error alert fires.')
param serverErrorPercent int = 5

@description('Requests in those 15 minutes below which no rate is judged (a quiet night\'s one failure is not 100%).')
param serverErrorMinimumRequests int = 20

@description('Cosmos DB requests throttled (429) in 5 minutes above which the throttling alert fires; the SDK retries a few.')
param cosmosThrottledRequests int = 10

// The custom metric (PoisonQueueMetrics.PoisonMessagesMetric) and its queue tag (PoisonQueueMetrics.QueueTag).
var poisonMetric = 'agora.queue.poison_messages'
var poisonQueueTag = 'messaging.destination.name'
var readinessPath = '/api/health'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'agora'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var logAlertActions = empty(alertEmail) ? [] : [actionGroup.id]
var metricAlertActions = empty(alertEmail) ? [] : [{ actionGroupId: actionGroup.id }]

resource poisonMessages 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-${namePrefix}-poison-messages'
  location: location
  tags: tags
  properties: {
    displayName: 'Agora: messages in a poison queue'
    description: 'A queue message failed its last attempt and waits in <queue>-poison. Runbook: docs/operations.md, Metrics and alerts.'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "${poisonMetric}" | extend queue = tostring(customDimensions["${poisonQueueTag}"]) | summarize poisonMessages = max(valueMax) by queue'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'poisonMessages'
          dimensions: [{ name: 'queue', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: logAlertActions }
  }
}

resource serverErrors 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-${namePrefix}-server-errors'
  location: location
  tags: tags
  properties: {
    displayName: 'Agora: API answers 5xx'
    description: 'More than ${serverErrorPercent}% of the API\'s requests answered 5xx in 15 minutes (readiness excluded). Runbook: docs/operations.md, Metrics and alerts.'
    severity: 1
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'requests | where isnotempty(url) and tostring(parse_url(url).Path) != "${readinessPath}" | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= ${serverErrorMinimumRequests} | extend serverErrorPercent = 100.0 * failed / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'serverErrorPercent'
          operator: 'GreaterThan'
          threshold: serverErrorPercent
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: logAlertActions }
  }
}

// The availability test belongs to the component (the hidden link), from three regions every five minutes.
resource readinessTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'webtest-${namePrefix}-readiness'
  location: location
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'webtest-${namePrefix}-readiness'
    Name: 'Agora readiness (GET ${readinessPath})'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [{ Id: 'emea-nl-ams-azr' }, { Id: 'emea-gb-db3-azr' }, { Id: 'us-va-ash-azr' }]
    Request: {
      RequestUrl: 'https://${functionAppHostName}${readinessPath}'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource readiness 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${namePrefix}-readiness'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET ${readinessPath} failed (503: a dependency did not answer; or no answer) from 2 of 3 regions. Runbook: docs/operations.md, Metrics and alerts.'
    severity: 1
    enabled: true
    scopes: [readinessTest.id, applicationInsights.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: readinessTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: metricAlertActions
  }
}

resource cosmosThrottling 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${namePrefix}-cosmos-throttling'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB answered more than ${cosmosThrottledRequests} requests 429 (throttled) in 5 minutes. Runbook: docs/operations.md, Metrics and alerts.'
    severity: 2
    enabled: true
    scopes: [cosmosAccount.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [{ name: 'StatusCode', operator: 'Include', values: ['429'] }]
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: cosmosThrottledRequests
        }
      ]
    }
    autoMitigate: true
    actions: metricAlertActions
  }
}
