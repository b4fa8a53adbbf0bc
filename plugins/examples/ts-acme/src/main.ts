// Entry point of the Acme Directory connector in TypeScript: the idbridge
// host runs the bundle as `node connector.js` (see package/manifest.json)
// and speaks the connector protocol with it.
import { join } from "node:path";

import { acme } from "./acme.js";
import { serve } from "./plugin.js";

serve(acme, join(__dirname, "connector.proto"));
