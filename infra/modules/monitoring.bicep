// Log Analytics and workspace-based Application Insights. Local authentication is off: the app sends telemetry with its
// managed identity (Monitoring Metrics Publisher, APPLICATIONINSIGHTS_AUTHENTICATION_STRING), so the instrumentation key
// in the connection string identifies the component but cannot be used to write to it.

param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string

@description('Principal id of the app\'s managed identity, which publishes telemetry.')
param principalId string

@description('Days Log Analytics keeps data.')
param retentionInDays int = 30

// Monitoring Metrics Publisher: send telemetry with Entra ID authentication.
var metricsPublisherRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

resource publishTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, metricsPublisherRole)
  scope: applicationInsights
  properties: {
    roleDefinitionId: metricsPublisherRole
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output applicationInsightsName string = applicationInsights.name
