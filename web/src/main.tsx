/** Entry point of the dashboard front end: mounts the app. */
import { render } from "preact";
import { App } from "./app.js";
import "./style.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
