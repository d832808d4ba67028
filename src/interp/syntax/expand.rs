//! Writing out what runs: inlined bodies (with a walker's recursive delete), loops over
//! literal lists, callbacks applied to their arguments, and `new Function` code.

use super::*;

impl<'t, 'v> Program<'t, 'v> {
    /// Lower every call inside `node` that reaches the snippet's own code: the inlined body,
    /// and for a directory walker, the recursive delete it amounts to.
    pub(super) fn expand(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
        active: &mut Vec<usize>,
        out: &mut Lowered,
    ) {
        if depth > MAX_NODE_DEPTH || !self.spend() {
            return;
        }
        match node.kind() {
            // Bodies run when they are called, not where they are written.
            "function_definition"
            | "decorated_definition"
            | "class_definition"
            | "function_declaration"
            | "class_declaration"
            | "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "method_definition" => return,
            "for_statement" | "for_in_statement"
                if self.unroll(node, env, depth, inline, active, out) =>
            {
                return
            }
            _ => {}
        }
        if let Some(callee) = callee(node) {
            if let (Some((def, ctx, at)), Some(args)) = (
                self.target(callee, env),
                node.child_by_field_name("arguments"),
            ) {
                if inline < MAX_INLINE && !active.contains(&def.body.start_byte()) {
                    let bound = self.bind(&def, args, env, depth, ctx);
                    if let Some(name) = &def.name {
                        self.follow(name, at.start_byte());
                    }
                    self.inline(&def, &bound, inline, active, out);
                }
            }
            self.callbacks(node, env, depth, inline, active, out);
            self.function_constructor(node, out);
        }
        if node.kind() == "with_item" {
            self.context_manager(node, env, inline, active, out);
        }
        if node.kind() == "new_expression" {
            self.worker_code(node, out);
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.expand(child, env, depth + 1, inline, active, out);
        }
    }

    /// The body of `def` with its parameters bound, and what the calls inside it do.
    pub(super) fn inline(
        &self,
        def: &Def<'t>,
        bound: &Env<'t>,
        inline: usize,
        active: &mut Vec<usize>,
        out: &mut Lowered,
    ) {
        let mut text = String::new();
        // The parameters as assignments too, for interpolations the text cannot fill in.
        for (name, _) in def.params.iter().skip(usize::from(def.receiver_param)) {
            let name = name.trim_start_matches('*');
            if let Some(value) = bound.vars.get(name).filter(|_| !name.is_empty()) {
                if self.lang == Lang::Python {
                    text.push_str(&format!("{name} = {value}\n"));
                } else {
                    text.push_str(&format!("var {name} = {value};\n"));
                }
            }
        }
        if def.walker {
            let root = def
                .params
                .iter()
                .skip(usize::from(def.receiver_param))
                .find_map(|(name, _)| bound.vars.get(name));
            // A walker over a relative directory (`walk(".")`) is read as written: its deletes
            // are usually conditional (`node_modules/.cache` only).
            let relative = root
                .and_then(|r| string_value(r))
                .is_some_and(|r| !r.starts_with('/') && !r.starts_with('~') && !r.starts_with('$'));
            if let (Some(root), Some(template), false) =
                (root, &self.vocab.recursive_delete, relative)
            {
                text.push_str(&template.replace("{}", root));
                text.push('\n');
            }
        }
        text.push_str(&self.text(def.body, bound, 0, inline + 1));
        if !matches!(def.body.kind(), "block" | "statement_block") && self.lang == Lang::JavaScript
        {
            text.push(';');
        }
        out.push(text);
        active.push(def.body.start_byte());
        self.expand(def.body, bound, 0, inline + 1, active, out);
        active.pop();
    }

    /// The literal elements of a list, or of the list a name is bound to.
    pub(super) fn elements(&self, list: Node<'t>, env: &Env<'t>) -> Option<Vec<Node<'t>>> {
        let mut all = self.all_elements(list, env)?;
        all.truncate(MAX_UNROLL);
        Some(all)
    }

    /// Every element of a literal list (or of what a generator yields), not only the first
    /// [`MAX_UNROLL`]: a join of a longer list is a different string.
    pub(super) fn all_elements(&self, list: Node<'t>, env: &Env<'t>) -> Option<Vec<Node<'t>>> {
        let mut list = unparenthesize(list);
        if let Some(literal) = self.literal_node(list, env, 0) {
            list = literal;
        }
        if matches!(list.kind(), "call" | "call_expression") {
            return self.yielded(list);
        }
        if !matches!(list.kind(), "list" | "tuple" | "array") {
            return None;
        }
        let mut cursor = list.walk();
        let elements: Vec<Node> = list
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect();
        (!elements.is_empty()).then_some(elements)
    }

    /// `with Workspace(path) as w:`: the class's `__enter__` and `__exit__` run around the body.
    fn context_manager(
        &self,
        item: Node<'t>,
        env: &Env<'t>,
        inline: usize,
        active: &mut Vec<usize>,
        out: &mut Lowered,
    ) {
        let Some(value) = item.child_by_field_name("value") else {
            return;
        };
        let value = match value.kind() {
            "as_pattern" => value.named_child(0).unwrap_or(value),
            _ => value,
        };
        if inline >= MAX_INLINE {
            return;
        }
        let Some(ctx) = self.receiver(value, env) else {
            return;
        };
        let Some(class) = ctx.class.clone() else {
            return;
        };
        for method in ["__enter__", "__exit__"] {
            if let Some(def) = self.method(&class, method) {
                if !active.contains(&def.body.start_byte()) {
                    let bound = self.bind_defaults(&def, ctx.clone());
                    self.inline(&def, &bound, inline, active, out);
                }
            }
        }
    }

    /// `new Worker(CODE, { eval: true })`: the code string runs in a thread.
    fn worker_code(&self, made: Node<'t>, out: &mut Lowered) {
        if self.lang != Lang::JavaScript || constructor_name(made, self.code) != Some("Worker") {
            return;
        }
        let Some(argv) = call_arguments(made) else {
            return;
        };
        let evaluates = argv
            .get(1)
            .is_some_and(|o| compact(self.src(*o)).contains("eval:true"));
        let code = argv
            .first()
            .and_then(|c| string_value(&self.text(*c, &Env::default(), 0, MAX_INLINE)));
        if let (true, Some(code)) = (evaluates, code) {
            out.push(code);
        }
    }

    /// A `for` loop (without `else`) over a literal list short enough to unroll completely.
    pub(super) fn fully_unrolled(&self, node: Node<'t>) -> bool {
        if !matches!(node.kind(), "for_statement" | "for_in_statement")
            || node.child_by_field_name("alternative").is_some()
            || node.child_by_field_name("left").map(|l| l.kind()) != Some("identifier")
        {
            return false;
        }
        let Some(list) = node.child_by_field_name("right") else {
            return false;
        };
        let env = Env::default();
        let Some(list) = self.literal_node(list, &env, 0).or(Some(list)) else {
            return false;
        };
        let count = match list.kind() {
            "list" | "tuple" | "array" => {
                let mut cursor = list.walk();
                let n = list
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment")
                    .count();
                n
            }
            _ => return false,
        };
        (1..=MAX_UNROLL).contains(&count)
    }

    /// The values a call of one of the snippet's generators yields, when its body is nothing
    /// but `yield VALUE` statements.
    pub(super) fn yielded(&self, call: Node<'t>) -> Option<Vec<Node<'t>>> {
        let f = callee(call)?;
        let def = self.functions.get(self.src(f))?;
        let mut cursor = def.body.walk();
        let mut values = Vec::new();
        for statement in def.body.named_children(&mut cursor) {
            if statement.kind() == "comment" {
                continue;
            }
            let y = statement
                .named_child(0)
                .filter(|y| statement.kind() == "expression_statement" && y.kind() == "yield")?;
            values.push(y.named_child(0)?);
        }
        (!values.is_empty() && values.len() <= MAX_UNROLL).then_some(values)
    }

    /// `for f in [os.system, os.popen]: f(cmd)`, `for (const d of [a, b]) nuke(d)`: the body
    /// once per element of a literal list. Returns whether the loop was unrolled.
    pub(super) fn unroll(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
        active: &mut Vec<usize>,
        out: &mut Lowered,
    ) -> bool {
        let (Some(var), Some(list), Some(body)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
            node.child_by_field_name("body"),
        ) else {
            return false;
        };
        if var.kind() != "identifier" {
            return false;
        }
        let Some(elements) = self.elements(list, env) else {
            return false;
        };
        for element in elements {
            let mut inner = env.clone();
            let name = self.src(var).to_string();
            if matches!(
                unparenthesize(element).kind(),
                "dictionary" | "object" | "list" | "tuple" | "array"
            ) {
                // `for step in [{"run": "git status"}]: run(step["run"])`
                inner.nodes.insert(name.clone(), unparenthesize(element));
            }
            inner
                .vars
                .insert(name, self.text(element, env, depth + 1, inline));
            let text = self.text(body, &inner, depth + 1, inline);
            if text != self.src(body) {
                out.push(text);
            }
            self.expand(body, &inner, depth + 1, inline, active, out);
        }
        true
    }

    /// Calls that call a function they are given: `map(f, L)`, `L.forEach(f)`,
    /// `pool.submit(f, a)`, `Thread(target=f, args=(a,))`, `setTimeout(f, 0, a)`,
    /// `Promise.resolve(x).then(f)`. The function is applied to the arguments.
    pub(super) fn callbacks(
        &self,
        call: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
        active: &mut Vec<usize>,
        out: &mut Lowered,
    ) {
        let (Some(callee), Some(argv)) = (callee(call), call_arguments(call)) else {
            return;
        };
        let called = compact(self.src(callee));
        let method = called.rsplit('.').next().unwrap_or("");
        let receiver = callee.child_by_field_name("object");
        let keyword = |key: &str| {
            argv.iter().find_map(|a| {
                (a.kind() == "keyword_argument"
                    && a.child_by_field_name("name").map(|n| self.src(n)) == Some(key))
                .then(|| a.child_by_field_name("value"))
                .flatten()
            })
        };
        let text = |n: &Node<'t>| self.text(*n, env, depth + 1, inline);
        // (function, one call's arguments…)
        let mut applications: Vec<(Node<'t>, Vec<String>)> = Vec::new();
        match (self.lang, method) {
            (Lang::Python, "map") if argv.len() == 2 => {
                for e in self.elements(argv[1], env).unwrap_or_default() {
                    applications.push((argv[0], vec![text(&e)]));
                }
            }
            (
                Lang::Python,
                "submit" | "apply_async" | "call_soon" | "call_later" | "register" | "callback"
                | "to_thread" | "finalize",
            ) => {
                let skip = usize::from(matches!(method, "call_later" | "finalize"));
                if let Some((f, rest)) = argv
                    .split_at_checked(skip)
                    .and_then(|(_, r)| r.split_first())
                {
                    applications.push((*f, rest.iter().map(text).collect()));
                }
            }
            (Lang::Python, "run_in_executor") if argv.len() >= 2 => {
                applications.push((argv[1], argv[2..].iter().map(text).collect()));
            }
            (Lang::Python, "Thread" | "Process" | "Timer") => {
                if let Some(f) = keyword("target")
                    .or_else(|| (method == "Timer").then(|| argv.get(1).copied()).flatten())
                {
                    let values = keyword("args")
                        .and_then(|a| self.elements(a, env))
                        .unwrap_or_default();
                    applications.push((f, values.iter().map(text).collect()));
                }
            }
            (Lang::JavaScript, "forEach" | "map" | "filter" | "some" | "every" | "flatMap") => {
                if let (Some(list), Some(f)) = (receiver, argv.first()) {
                    for e in self.elements(list, env).unwrap_or_default() {
                        applications.push((*f, vec![text(&e)]));
                    }
                }
            }
            (
                Lang::JavaScript,
                "setTimeout" | "setImmediate" | "setInterval" | "queueMicrotask" | "nextTick",
            ) => {
                if let Some((f, rest)) = argv.split_first() {
                    let skip = usize::from(matches!(method, "setTimeout" | "setInterval"));
                    applications.push((*f, rest.iter().skip(skip).map(text).collect()));
                }
            }
            // `bus.emit("clean", dir)`: every handler registered for the event.
            (Lang::JavaScript, "emit") => {
                if let (Some(object), Some((event, rest))) = (receiver, argv.split_first()) {
                    let key = (
                        compact(self.src(object)),
                        string_value(self.src(*event)).unwrap_or_default(),
                    );
                    for handler in self.handlers.get(&key).into_iter().flatten() {
                        applications.push((*handler, rest.iter().map(text).collect()));
                    }
                }
            }
            (Lang::JavaScript, "then") => {
                // `Promise.resolve(x).then(f)`
                let value = receiver
                    .filter(|r| r.kind() == "call_expression")
                    .filter(|r| {
                        r.child_by_field_name("function")
                            .is_some_and(|c| compact(self.src(c)) == "Promise.resolve")
                    })
                    .and_then(|r| r.child_by_field_name("arguments"))
                    .and_then(|a| a.named_child(0));
                if let (Some(v), Some(f)) = (value, argv.first()) {
                    applications.push((*f, vec![text(&v)]));
                }
            }
            _ => {}
        }
        for (f, values) in applications.into_iter().take(MAX_UNROLL) {
            if inline >= MAX_INLINE {
                return;
            }
            match self.target(f, env) {
                Some((def, ctx, at)) => {
                    if active.contains(&def.body.start_byte()) {
                        continue;
                    }
                    if let Some(name) = &def.name {
                        self.follow(name, at.start_byte());
                    }
                    let bound = self.bind_values(&def, values, HashMap::new(), ctx);
                    self.inline(&def, &bound, inline, active, out);
                }
                // A library function given as the callback (`pool.submit(shutil.rmtree, p)`).
                None if matches!(
                    unparenthesize(f).kind(),
                    "identifier" | "attribute" | "member_expression"
                ) =>
                {
                    let name = self.text(f, env, depth + 1, inline);
                    let resolved = match self.aliases.get(self.src(f)) {
                        Some(Alias::Expr(a)) => self.text(*a, env, depth + 1, inline),
                        _ => name,
                    };
                    out.push(format!("{resolved}({})", values.join(", ")));
                }
                None => {}
            }
        }
    }

    /// `new Function("require", CODE)(require)`, `Function(CODE)()`, and a name bound to one
    /// (`const f = new Function("p", CODE); f(x)`): the code string, with its parameters bound
    /// to the arguments.
    pub(super) fn function_constructor(&self, call: Node<'t>, out: &mut Lowered) {
        if self.lang != Lang::JavaScript {
            return;
        }
        let Some(mut made) = callee(call).map(unparenthesize) else {
            return;
        };
        if made.kind() == "identifier" {
            match self.constructed.get(self.src(made)) {
                Some(bound) => made = *bound,
                None => return,
            }
        }
        if !matches!(made.kind(), "new_expression" | "call_expression") {
            return;
        }
        if constructor_name(made, self.code) != Some("Function") {
            return;
        }
        let Some(params) = call_arguments(made) else {
            return;
        };
        let strings: Vec<String> = params
            .iter()
            .filter_map(|s| string_value(self.src(*s)))
            .collect();
        let Some((code, names)) = strings.split_last() else {
            return;
        };
        let values = call_arguments(call).unwrap_or_default();
        let mut text = String::new();
        for (name, value) in names.iter().zip(values.iter().map(|n| self.src(*n))) {
            if name != value {
                text.push_str(&format!("var {name} = {value};\n"));
            }
        }
        text.push_str(code);
        out.push(text);
    }
}
