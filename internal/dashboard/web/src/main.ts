import "./style.css";
import { renderOrganisation } from "./organisation";
import { renderOverview } from "./overview";
import { renderProgramme } from "./programme";
import { route, start } from "./router";

route(/^\/$/, renderOverview);
route(/^\/programmes\/(.+)$/, renderProgramme);
route(/^\/organisations\/(.+)$/, renderOrganisation);
start();
