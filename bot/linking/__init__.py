"""Account linking: the right person, once.

- `lifetime`: the one lifetime of every step (15 minutes) and the linking paths
- `tickets`: what a Connect button carries; minting one writes nothing
- `flow`: the journey (open the link, come back from Clustermarket, confirm) and unlinking
- `web`: the browser's side: routes, the cookie naming the browser, the sweep
- `pages`: what the browser is shown

Import from the module that holds a name: the Block Kit layer needs only `lifetime`, and
importing it must not pull in the store or the Clustermarket client.
"""
