"""Many Slack workspaces: Slack's install flow, the installations in cmbot's database, and the
Web API client (with its workspace's token) for whatever cmbot does in a workspace.

- `stores`: slack-sdk's installation-store and state-store interfaces over the `Store`
- `install`: Bolt's install flow and request authorize, with cmbot's pages
- `clients`: `SlackClients`, the client for a workspace (one token, or each workspace's)
- `one_token`: Bolt's authorize with one workspace: auth.test asked once per process
"""
